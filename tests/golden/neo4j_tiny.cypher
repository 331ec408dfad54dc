// digiprov property graph: 6 nodes, 6 relationships. Mapping: docs/neo4j.md. Run with cypher-shell -f FILE.
// ==== BEGIN CONSTRAINTS (Neo4j 5+; skip on engines without them) ====
CREATE CONSTRAINT digiprov_resource_uri IF NOT EXISTS FOR (n:Resource) REQUIRE n.uri IS UNIQUE;
// ==== END CONSTRAINTS ====
:param rows => [{uri: "https://w3id.org/digiprov/id/statement/doc/p3-10-20", _0: 20, paragraph: 3, start: 10}, {uri: "https://w3id.org/digiprov/id/statement/doc/p4-30-40", _0: 40, paragraph: 4, start: 30}];
UNWIND $rows AS row MERGE (n:Resource {uri: row.uri}) SET n:`Statement`, n.`end` = row._0, n.`paragraph` = row.paragraph, n.`start` = row.start, n.`sources` = row.sources, n.`statements` = row.statements;
:param rows => [{uri: "http://www.wikidata.org/entity/Q1"}];
UNWIND $rows AS row MERGE (n:Resource {uri: row.uri}) SET n.`sources` = row.sources, n.`statements` = row.statements;
:param rows => [{uri: "http://example.org/org/b", prefLabel_zh: "机构`B`", sources: ["https://w3id.org/digiprov/id/source/doc"], statements: ["https://w3id.org/digiprov/id/statement/doc/p3-10-20"], weird: "7"}];
UNWIND $rows AS row MERGE (n:Resource {uri: row.uri}) SET n:`GovernmentAgency`, n:`Organization`, n.`prefLabel_zh` = row.prefLabel_zh, n.`weird` = row.weird, n.`sources` = row.sources, n.`statements` = row.statements;
:param rows => [{uri: "http://example.org/thing/a", altLabel_zh: ["别名,二", "别名;一"], deadline: date("2021-09-30"), flag: true, launchYear: 2019, prefLabel_en: "Platform \"A\"", prefLabel_zh: "平台“A”", score: 3.25, sources: ["https://w3id.org/digiprov/id/source/doc"], statements: ["https://w3id.org/digiprov/id/statement/doc/p3-10-20", "https://w3id.org/digiprov/id/statement/doc/p4-30-40"], weird: "abc", _8: "quote ' double \" backslash \\ newline\nand\r\ttab ` backtick 😀 emoji 中文 <img src=x onerror=alert(1)> \\n literal"}];
UNWIND $rows AS row MERGE (n:Resource {uri: row.uri}) SET n:`Platform`, n.`altLabel_zh` = row.altLabel_zh, n.`deadline` = row.deadline, n.`flag` = row.flag, n.`launchYear` = row.launchYear, n.`prefLabel_en` = row.prefLabel_en, n.`prefLabel_zh` = row.prefLabel_zh, n.`score` = row.score, n.`weird` = row.weird, n.`名称'x(1)😀` = row._8, n.`sources` = row.sources, n.`statements` = row.statements;
:param rows => [{uri: "https://w3id.org/digiprov/id/source/doc", title_zh: "来源"}];
UNWIND $rows AS row MERGE (n:Resource {uri: row.uri}) SET n:`SourceDocument`, n.`title_zh` = row.title_zh, n.`sources` = row.sources, n.`statements` = row.statements;
:param rows => [{s: "http://example.org/thing/a", o: "https://w3id.org/digiprov/id/statement/doc/p3-10-20", statements: ["https://w3id.org/digiprov/id/statement/doc/p3-10-20"], sources: ["https://w3id.org/digiprov/id/source/doc"], paragraphs: [3], starts: [10], ends: [20]}, {s: "https://w3id.org/digiprov/id/statement/doc/p3-10-20", o: "https://w3id.org/digiprov/id/source/doc"}];
UNWIND $rows AS row MATCH (a:Resource {uri: row.s}) MATCH (b:Resource {uri: row.o}) MERGE (a)-[r:`WAS_DERIVED_FROM`]->(b) SET r.statements = row.statements, r.sources = row.sources, r.paragraphs = row.paragraphs, r.starts = row.starts, r.ends = row.ends;
:param rows => [{s: "http://example.org/org/b", o: "http://www.wikidata.org/entity/Q1", graphs: ["https://w3id.org/digiprov/id/graph/curated"]}];
UNWIND $rows AS row MATCH (a:Resource {uri: row.s}) MATCH (b:Resource {uri: row.o}) MERGE (a)-[r:`EXACT_MATCH`]->(b) SET r.graphs = row.graphs;
:param rows => [{s: "http://example.org/thing/a", o: "http://example.org/org/b", statements: ["https://w3id.org/digiprov/id/statement/doc/p3-10-20", "https://w3id.org/digiprov/id/statement/doc/p4-30-40"], sources: ["https://w3id.org/digiprov/id/source/doc", "https://w3id.org/digiprov/id/source/doc"], paragraphs: [3, 4], starts: [10, 30], ends: [20, 40]}];
UNWIND $rows AS row MATCH (a:Resource {uri: row.s}) MATCH (b:Resource {uri: row.o}) MERGE (a)-[r:`OPERATOR`]->(b) SET r.statements = row.statements, r.sources = row.sources, r.paragraphs = row.paragraphs, r.starts = row.starts, r.ends = row.ends;
:param rows => [{s: "https://w3id.org/digiprov/id/statement/doc/p4-30-40", o: "https://w3id.org/digiprov/id/source/doc"}];
UNWIND $rows AS row MATCH (a:Resource {uri: row.s}) MATCH (b:Resource {uri: row.o}) MERGE (a)-[r:`WAS_DERIVED_FROM`]->(b) SET r.statements = row.statements, r.sources = row.sources, r.paragraphs = row.paragraphs, r.starts = row.starts, r.ends = row.ends;
:param rows => [{s: "http://example.org/thing/a", o: "http://example.org/org/b"}];
UNWIND $rows AS row MATCH (a:Resource {uri: row.s}) MATCH (b:Resource {uri: row.o}) MERGE (a)-[r:`关系_X`]->(b);
:param rows => [];
