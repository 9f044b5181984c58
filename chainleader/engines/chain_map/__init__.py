"""产业链图谱 engine: the chain's curated tree is the skeleton, the product graph fills it in.

``tree``       parse and check a curated tree file (上游/中游/下游 → 环节 → 细分环节, key products, codes, strategic)
``text``       one normalisation of product names and one noise filter (shared with the graph importer)
``graph``      the product graph as sparse matrices (who makes what; product → material)
``placement``  the classifier: products and firms onto leaves, with evidence (product, code, text)
``derive``     the graph fills the trees: products, national producers and leaf → leaf links per leaf
``assess``     statuses (优势 / 薄弱 / 缺失 / 卡脖子) and actions with their reasons

No Django here (ARCHITECTURE.md): plain columns in, plain columns out.
"""
