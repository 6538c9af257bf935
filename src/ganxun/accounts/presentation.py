"""How the users' audit rows read (操作日志)."""

from ganxun.audit.presentation import register_fields
from ganxun.core.roles import role_label

register_fields("user", {"role": "角色", "scope": "管理范围", "person": "人员编码", "institution": "培训机构编码",
                         "prefix": "令牌前缀", "expires_at": "有效期至"},
                {"role": role_label})
