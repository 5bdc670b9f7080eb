"""Values that fill every path parameter of every service's OpenAPI document, for tests that call each
operation once (the access tests): shaped right, naming nothing that exists."""

from __future__ import annotations

PATH_VALUES = {
    "uscc": "91350100M000100Y43",
    "import_id": "imp_0000000000000000",
    "provider_id": "pv_x",
    "project_id": "pj_x",
    "batch_id": "pb_x",
    "assessment_id": "as_x",
    "evaluation_id": "ev_x",
    "designation_id": "dg_x",
    "scheme_id": "miit-2024",
    "version": "1",
    "client_id": "cl_x",
    "product_id": "special-loan",
    "consent_id": "cs_x",
    "loan_id": "ln_x",
    "subsidy_id": "sb_x",
    "flag_id": "fl_x",
    "solution_id": "so_x",
    "demand_id": "dm_x",
    "adoption_id": "ad_x",
    "outcome_id": "oc_x",
    "complaint_id": "cp_x",
    "period": "2026",
    "kind": "csv",
    "district_code": "500103",
    "indicator": "level_2_share",
}
