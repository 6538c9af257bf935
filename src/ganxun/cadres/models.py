from django.db import models

from ganxun.cadres.ranks import Rank, Tier
from ganxun.core import crypto


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class CadreCategory(models.TextChoices):
    LEADERSHIP_TEAM = "leadership_team", "党政领导干部"
    CIVIL_SERVANT = "civil_servant", "机关公务员"
    ENTERPRISE_LEADER = "enterprise_leader", "企业领导人员"
    INSTITUTION_LEADER = "institution_leader", "事业单位领导人员"
    PROFESSIONAL = "professional", "专业技术人员"
    GRASSROOTS = "grassroots", "基层干部"


class LocalTeam(models.TextChoices):
    """地方党政班子: the cadre sits on a city's or county's party or government leadership team."""

    NONE = "", "—"
    CITY = "city", "市"
    COUNTY = "county", "县"


PARTY_MEMBER_STATUSES = ("中共党员", "中共预备党员")
POLITICAL_STATUSES = (
    "中共党员", "中共预备党员", "共青团员", "民革党员", "民盟盟员", "民建会员", "民进会员", "农工党党员",
    "致公党党员", "九三学社社员", "台盟盟员", "无党派人士", "群众",
)


class Cadre(models.Model):
    """A cadre in the registry. ``person_code`` is the stable key other systems use."""

    person_code = models.CharField("人员编码", max_length=32, unique=True)
    # 身份证号, never in clear (core.crypto): SM4-GCM blob, its key id, the keyed hash (search, uniqueness) and
    # the masked form the lists show. ``id_number`` (below) reads and writes them.
    id_cipher = models.BinaryField("身份证号（密文）", max_length=64, editable=False)
    id_key = models.PositiveSmallIntegerField("身份证号密钥版本", db_index=True, editable=False)
    id_hash = models.CharField("身份证号（检索摘要）", max_length=43, unique=True, editable=False)
    id_masked = models.CharField("身份证号（脱敏）", max_length=18, editable=False)
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    ethnicity = models.CharField("民族", max_length=16, default="汉族")
    political_status = models.CharField("政治面貌", max_length=16, default="中共党员")
    org = models.ForeignKey("orgs.Org", verbose_name="单位", on_delete=models.PROTECT, related_name="cadres")
    post_title = models.CharField("职务", max_length=100, blank=True)
    rank = models.CharField("职级", max_length=32, choices=Rank.choices)
    tier = models.CharField("层级", max_length=16, choices=Tier.choices, db_index=True, editable=False)
    is_leader = models.BooleanField("领导职务", default=False)
    category = models.CharField("干部类别", max_length=32, choices=CadreCategory.choices)
    is_team_member = models.BooleanField("班子成员", default=False)
    local_team = models.CharField("地方党政班子", max_length=8, choices=LocalTeam.choices, blank=True, default="")
    is_principal = models.BooleanField("一把手", default=False)
    is_young_talent = models.BooleanField("优秀年轻干部", default=False)
    is_branch_secretary = models.BooleanField("党支部书记", default=False)
    is_selected_graduate = models.BooleanField("选调生", default=False)
    rank_since = models.DateField("任现职级时间", null=True, blank=True)
    hired_on = models.DateField("录用时间", null=True, blank=True)
    managing_department = models.ForeignKey("orgs.Org", verbose_name="干部管理权限", null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="managed_cadres")
    managing_overridden = models.BooleanField("管理权限已单独指定", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["person_code"]
        indexes = [
            models.Index(fields=["org", "tier"]),
            models.Index(fields=["name"]),
        ]

    def __str__(self):
        return f"{self.name}（{self.person_code}）"

    @staticmethod
    def stored_fields(fields) -> list[str]:
        """Model field names for a write: ``id_number`` stands for its four stored columns."""
        out = [f for f in fields if f != "id_number"]
        if "id_number" in fields:
            out += list(crypto.ID_COLUMNS)
        return out

    @property
    def id_number(self) -> str:
        """The full number, decrypted on first use. Lists and exports use ``id_number_masked`` instead."""
        clear = self.__dict__.get("_id_clear")
        if clear is None:
            clear = crypto.decrypt(self.id_cipher) if self.id_cipher else ""
            self.__dict__["_id_clear"] = clear
        return clear

    @id_number.setter
    def id_number(self, value: str | None) -> None:
        """Seal a normalised number; the same number again leaves the stored blob alone."""
        if not value:
            self.id_cipher, self.id_key, self.id_hash, self.id_masked = b"", None, "", ""
            self.__dict__["_id_clear"] = ""
            return
        digest = crypto.id_hash(value)
        if digest == self.__dict__.get("id_hash") and self.__dict__.get("id_cipher"):
            return
        for column, stored in crypto.sealed(value, digest=digest).items():
            setattr(self, column, stored)
        self.__dict__["_id_clear"] = value

    def has_id_number(self, number: str) -> bool:
        """Whether ``number`` (normalised) is this cadre's, by the keyed hash: no decryption."""
        return self.id_hash == crypto.id_hash(number)

    @property
    def id_number_masked(self) -> str:
        return self.id_masked

    def __getstate__(self):
        """A pickled cadre (the file cache) never carries the decrypted number."""
        state = super().__getstate__()
        state.pop("_id_clear", None)
        return state

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("_id_clear", None)
        super().refresh_from_db(*args, **kwargs)

    @property
    def is_non_party(self) -> bool:
        return self.political_status not in PARTY_MEMBER_STATUSES

    @property
    def is_minority(self) -> bool:
        return bool(self.ethnicity) and self.ethnicity != "汉族"
