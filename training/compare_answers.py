"""Dump the analyser's JSON answer for every text in corpus/ plus odd inputs (before/after a refactor)."""
import json, sys
from datetime import date
from pathlib import Path
sys.path.insert(0, ".")
try:
    from triage.analyser import Analyser
    from triage import artifact
except ImportError:
    from service.triage import Analyser
    from training import artifact

ODD = ["", " ", "a", "no", "?", "😀" * 50, "x" * 5000, "lip " * 1000, "NO CHEST PAIN", "\u0000", "lip\ttwitch\n\n", "12345", "Mi labio tiembla", "my lip twitches"]
texts = []
for p in sorted(Path("corpus").rglob("*.jsonl")):
    for line in p.read_text().splitlines():
        if line.strip():
            texts.append(json.loads(line)["text"])
texts += ODD
a = Analyser.from_serving(artifact.load_serving(artifact.newest(Path("models"))))
out = []
for t in texts:
    ans = a.analyse(t, top_k=11, today=date(2026, 11, 25))
    d = ans if isinstance(ans, dict) else ans.to_dict()
    d.pop("model_version")
    out.append(d)
Path(sys.argv[1]).write_text("\n".join(json.dumps(x, sort_keys=True) for x in out))
print(len(out), "answers")
