"""innodrive.chains — 产业链图谱: key industry chains as data.

A chain (晶硅光伏, 动力电池 …) is a tree of nodes (环节) in 上游/中游/下游 with sub-nodes;
enterprises are attached to nodes by 统一社会信用代码 and linked to the enterprise
directory (so their 科小/高企/专精特新 verdicts show), 链主 are marked, innovation
platforms and plan targets are attached, and the gaps — nodes with no local
enterprise or no platform — are the 补链/强链 candidates. Chains are imported from
YAML or the XLSX template with row-level checks (:mod:`~innodrive.chains.reader`),
stored in the chain tables (:mod:`~innodrive.chains.db`) and exported back to XLSX.
"""
