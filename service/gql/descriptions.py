"""What every root field's arguments mean, in one table: ``city`` is written the same way in
twenty fields and should be explained the same way in each.

``describe_arguments`` fills the description of every Query argument that its resolver did not
describe itself (``strawberry.argument(description=...)`` wins): first a (field, argument) entry,
else the argument's entry. tests/service/gql/test_descriptions.py fails on any field or argument
left without one.
"""

from __future__ import annotations

from graphql import GraphQLSchema

_CITY = ('A jurisdiction as people write it: "许昌", "许昌市", "Xuchang", "411000" (traditional characters '
         "too). An unknown name is an error that suggests the closest cities.")
_ORGANIZATION = ('An organization\'s canonical name or any alias seen in a document ("市科技局", '
                 '"许昌市科学技术局", "中科院"). A filter takes every body the name can mean; with `city`, '
                 "that city's. An unknown name is an error that suggests the closest names.")
_CONCEPT = ("the concept's id, its Chinese or English label or an alternative label (traditional "
            "characters too); a family holds the measures of its narrower types. An unknown name is an "
            "error that suggests the closest labels.")

ARGUMENTS: dict[str, str] = {
    "city": _CITY,
    "cities": "Cities, each written as for `city`; every unknown one is named in one error. All cities when "
              "omitted.",
    "organization": _ORGANIZATION,
    "institution": "A university, research institute, enterprise or other non-government body, written as "
                   "for `organization`.",
    "measureType": "A measure type: " + _CONCEPT,
    "industry": "An industry (战略性新兴产业分类 2018): " + _CONCEPT,
    "indicator": "A statistic: an indicator concept's id or label (its targets and those of narrower "
                 "statistics), or part of a statistic's name as written. An unknown one is an error.",
    "departmentType": "A kind of department: its id (finance), dt:finance, or its Chinese or English label "
                      "(财政局). An unknown one is an error that suggests the closest.",
    "document": "A source file's name under data/raw/, e.g. xuchang-2020-plan.txt. An unknown one is an error "
                "that suggests the closest file names.",
    "id": "The node's readable id (policy/xuchang-2020-plan, measure/<document>/(28)) or its IRI; an unknown "
          "id gives null.",
    "level": "Only jurisdictions (or cited policies) of this level.",
    "kind": "Only those of this kind.",
    "role": "Only assignments of this role (LEAD 牵头, RESPONSIBLE 责任, COOPERATING 配合, SUPERVISING 考核/督办).",
    "basis": "EXPLICIT: named for the measure itself; INHERITED: carried over from a parent measure, the "
             "annex or the issuer. Both when omitted.",
    "first": "How many to return at most (the field's cap is its default); a negative number or one over "
             "the cap is an error.",
    "after": "The endCursor of the previous page; a malformed cursor is an error.",
    "text": "Words the measure's title or text contains (width-, case- and space-insensitive).",
    "search": "Part of a name, an alias or an English name (organizations), or of a title or 文号 (cited "
              "policies).",
    "minCities": "The least number of the given cities that must have it.",
    "families": "Measure-type (or industry) families, the scheme's top concepts: include them (true) or only "
                "them, as the field says; the scheme's direct concepts otherwise.",
    "singleProvince": "true: only types adopted inside one province; false: only the others; both when omitted.",
    "stub": "true: only cited policies outside the corpus; false: only the corpus's; both when omitted.",
    "collectives": "Keep collective references (各有关单位, 市直有关部门) in the ranking.",
    "name": "The name as people write it (see the field).",
    "inForceOn": "An ISO date (2024-06-30): only policies in force that day by their stated dates.",
    "minScore": "The least similarity (0 to 1) of a pair of measures' texts.",
    "includeInherited": "Count INHERITED responsibilities too (EXPLICIT only by default, unless basis is given).",
    "by": "What the rows are: CITY (city × tool) or MEASURE_TYPE_FAMILY (tool × measure-type family).",
}

FIELD_ARGUMENTS: dict[tuple[str, str], str] = {
    ("city", "name"): _CITY,
    ("organization", "name"): _ORGANIZATION.replace("A filter takes every body the name can mean; with "
                                                    "`city`, that city's.", "A name several cities' bodies "
                                                    "share (市科技局) needs `city`: without it the error lists "
                                                    "the cities; a national body holding the name is the "
                                                    "one meant."),
    ("organization", "city"): "The organization's city, written as for `city` elsewhere.",
    ("organizationAnalytics", "name"): "An organization, written as for organization(name:).",
    ("sharedMeasures", "families"): "Also the scheme's families (top concepts), which hold the measures of "
                                    "their narrower types; off by default (they would double-count).",
    ("responsibilityMatrix", "families"): "true: families only; false: leaf types only; null: every type.",
    ("search", "text"): "Space-separated terms that must all occur; terms under 3 characters are scanned.",
    ("search", "kind"): "Only hits of this kind (measures, policies or cited policies).",
}


def describe_arguments(schema: GraphQLSchema) -> None:
    for fname, field in schema.query_type.fields.items():
        for aname, arg in field.args.items():
            if not arg.description:
                arg.description = FIELD_ARGUMENTS.get((fname, aname)) or ARGUMENTS.get(aname)
