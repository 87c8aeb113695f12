"""Research probe (round 11): within-question exemplars.

For a built-in question there are labelled answers. Does a fresh answer's closeness to the
windows that made a point in *other* labelled answers of the same question (each answer's window
most similar to the point, for answers labelled covered; and for those labelled missed, as
negatives) separate covered from not better than its closeness to the key point's text? Scored
on the realistic fresh answers (holdouts 8-11, off-topic answers left out), AUC of covered vs not.

    .venv/bin/python bench/probe_exemplars.py
"""
import collections
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy as np
from voiceprep.analysis.embeddings import get_embedder
from voiceprep.analysis.coverage import make_windows
from voiceprep.analysis.text import tokenize
from voiceprep.analysis.transcript import Transcript
from voiceprep.analysis.fillers import find_fillers
from voiceprep.settings import DEFAULT_FILLERS
from voiceprep.bank.loader import load_banks
from probe_finetune import SEALED
D=Path(__file__).resolve().parent.parent/'tests'/'data'
banks=load_banks(D.parent.parent/'questions'); emb=get_embedder()
def wins(text):
    toks=tokenize(Transcript.from_text(text)); ft={k for h in find_fillers(toks,DEFAULT_FILLERS) for k in range(h.tok_start,h.tok_end)}
    return [w.text for w in make_windows(toks,(2,),ft)] or [text]
by_q=collections.defaultdict(list)
for d in sorted(D.glob('coverage*')):
    if d.name in (*SEALED, 'coverage-agreement'): continue  # sealed; a relabelling
    for f in d.glob('*.json'):
        doc=json.loads(f.read_text())
        for a in doc['answers']:
            by_q[doc['question']].append((d.name,a))
real={'coverage-holdout8','coverage-holdout9','coverage-holdout10','coverage-holdout11'}
def auc(s,y):
    s=np.asarray(s); y=np.asarray(y); pos=s[y==1]; neg=s[y==0]
    return float((pos[:,None]>neg[None,:]).mean()+0.5*(pos[:,None]==neg[None,:]).mean())
rows=[]
for qref,answers in by_q.items():
    if not any(s in real for s,_ in answers): continue
    bank,q=banks.resolve(qref)
    kps=q.key_points; P=emb.embed([k.text for k in kps])
    W={a['id']:emb.embed(wins(a['text'])) for _,a in answers}
    # each answer's best window per point (its "exemplar" for that point)
    best={aid:[W[aid][int(np.argmax(W[aid]@P[i]))] for i in range(len(kps))] for aid in W}
    for s,a in answers:
        if s not in real or a.get('kind')=='off-topic': continue
        for i,k in enumerate(kps):
            lab=a['labels'].get(k.id)
            if lab is None: continue
            sp=float((W[a['id']]@P[i]).max())
            pos=[best[b['id']][i] for _,b in answers if b['id']!=a['id'] and b['labels'].get(k.id)=='covered']
            neg=[best[b['id']][i] for _,b in answers if b['id']!=a['id'] and b['labels'].get(k.id)=='missed' and b.get('kind')!='off-topic']
            se=float((W[a['id']]@np.array(pos).T).max()) if pos else sp
            sn=float((W[a['id']]@np.array(neg).T).max()) if neg else 0.0
            rows.append((sp,se,sn,1 if lab=='covered' else 0, a.get('kind')))
sp,se,sn,y,kind=map(np.array,zip(*rows))
out={"points":len(rows),"covered":int(y.sum()),"auc":{"point_text":round(auc(sp,y),3),"exemplars":round(auc(se,y),3),
     "exemplars_minus_negatives":round(auc(se-sn,y),3),"point_text_plus_exemplars":round(auc(sp+se,y),3)}}
for kd in ('average','negation'):
    m=kind==kd
    out[kd]={"point_text":round(auc(sp[m],y[m]),3),"exemplars":round(auc(se[m],y[m]),3),
             "exemplars_minus_negatives":round(auc(se[m]-sn[m],y[m]),3),"point_text_plus_exemplars":round(auc(sp[m]+se[m],y[m]),3)}
print(json.dumps(out,indent=1))
