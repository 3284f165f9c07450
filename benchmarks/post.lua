-- wrk script: POST one JSON description per request
wrk.method = "POST"
wrk.body = '{"text": "my upper lip keeps twitching since I quit smoking two weeks ago, and I drink a lot of coffee"}'
wrk.headers["Content-Type"] = "application/json"
