"""The push interface's own error codes with their English and Chinese messages (field errors from the
schema come from pydantic, translated by contracts.messages). docs/push-interface-v1.md lists them."""

from __future__ import annotations

from typing import Any

from contracts.push.results import RecordError

MESSAGES: dict[str, tuple[str, str]] = {
    "invalid_json": ("not valid JSON: {detail}", "不是合法的JSON：{detail}"),
    "not_an_object": ("a record must be a JSON object", "每条记录应为JSON对象"),
    "occurred_at_future": (
        "occurred_at {value} is in the future",
        "occurred_at（{value}）晚于当前时间",
    ),
    "record_id_repeated": (
        "record_id {record_id} appears more than once in this batch (first at {first})",
        "record_id {record_id} 在本批次中重复出现（首次在第{first}条）",
    ),
    "enterprise_repeated": (
        "enterprise {uscc} appears more than once in this batch (first at {first}); push one record per enterprise",
        "企业 {uscc} 在本批次中重复出现（首次在第{first}条）；每家企业每批只能推送一条记录",
    ),
    # checked by the registry on push (they need its data)
    "not_owner": (
        "enterprise {uscc} was registered by someone else; a provider may change only the enterprises it pushed",
        "企业 {uscc} 不是由本服务商推送登记的；服务商只能修改自己推送的企业记录",
    ),
    "unit_change_not_allowed": (
        "enterprise {uscc} belongs to district unit {before}: only the city or that unit's district authority "
        "moves an enterprise to another unit",
        "企业 {uscc} 属于区县单位 {before}：只有市经济信息委或该区县主管部门可以将企业调整到其他区县单位",
    ),
    "not_on_project": (
        "project {project_id} does not exist or you are not its provider",
        "项目 {project_id} 不存在，或本服务商不是该项目的服务商",
    ),
    "stage_not_allowed": (
        "project {project_id} is in {stage}; allowed next: {allowed}",
        "项目 {project_id} 当前处于“{stage_zh}”阶段，只能进入：{allowed_zh}",
    ),
    "role_may_not_move": (
        "a provider may not complete the {stage} stage ({who} does)",
        "服务商不能完成“{stage_zh}”阶段（应由{who_zh}完成）",
    ),
    "version_reused": (
        "version {version} of record {record_id} was accepted before with different content; raise the version",
        "记录 {record_id} 的第{version}版此前已以不同内容被接收；修改内容时请提高版本号",
    ),
    "kind_changed": (
        "record {record_id} was pushed before as {before}; a record id keeps its kind",
        "记录 {record_id} 此前以 {before} 类型推送；同一记录号不能改变类型",
    ),
    "transition_immutable": (
        "record {record_id} moved project {project_id} already; a stage transition cannot be changed: "
        "push a new record",
        "记录 {record_id} 已推动项目 {project_id} 进入下一阶段；阶段变更不能修改，请推送新记录",
    ),
    "conflict": ("{detail}", "{detail}"),
}


def record_error(code: str, field: str = "", **ctx: Any) -> RecordError:
    """One record error from the catalogue, formatted in both languages."""
    en, zh = MESSAGES[code]
    return RecordError(code=code, field=field, message=en.format(**ctx), message_zh=zh.format(**ctx))
