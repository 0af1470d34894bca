"""weipian:storeroles — the group roles of a shared PostGIS store, and a person's login put into one of them
or taken out (when someone leaves the bureau or changes duties)."""
from __future__ import annotations

import sqlite3

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterString,
)

from weipian_plugin.core.store import pgroles, postgis
from weipian_plugin.processing_algorithms.base import WeipianAlgorithm

GROUPS = tuple(pgroles.GROUPS)


class StoreRolesAlgorithm(WeipianAlgorithm):
    LOGIN = "LOGIN"
    GROUP = "GROUP"
    TOWNSHIPS = "TOWNSHIPS"
    ACTION = "ACTION"
    GRANT, REVOKE, REVOKE_ALL = range(3)

    def name(self) -> str:
        return "storeroles"

    def displayName(self) -> str:
        return self.tr("Roles of a shared store")

    def shortHelpString(self) -> str:
        return self.tr(
            "Run by the store's owner. Creates the four group roles (weipian_technician: import and analyse; "
            "weipian_reviewer: judge and follow up; weipian_township: fill in rectification records of its own "
            "townships only, by row-level security; weipian_viewer: read only), grants them the store, and makes "
            "the login (created without a password when it does not exist: set one with psql's \\password, it "
            "is never stored in a project) a member of the chosen group. The audit log names the login of "
            "whoever saves. For a township login give its township codes, separated by commas. Revoking takes "
            "the login out of the chosen group (or of every group) at once, also in a session it has open; the "
            "login itself and its entries in the audit log stay. Groups are shared by every store on the server.")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterString(self.STORE, self.tr("Shared store (PostgreSQL address)")))
        self.addParameter(QgsProcessingParameterString(self.LOGIN, self.tr("Login role"), optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.GROUP, self.tr("Group"), options=[f"{g} {label}" for g, label in pgroles.GROUPS.items()],
            defaultValue=GROUPS.index(pgroles.REVIEWER)))
        self.addParameter(QgsProcessingParameterString(self.TOWNSHIPS, self.tr("Township codes (township group)"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.ACTION, self.tr("Action"), options=[self.tr("Grant the group to the login"),
                                                     self.tr("Revoke the group from the login"),
                                                     self.tr("Revoke every group from the login")],
            defaultValue=self.GRANT))

    def processAlgorithm(self, parameters, context, feedback):
        address = self.parameterAsString(parameters, self.STORE, context).strip()
        login = self.parameterAsString(parameters, self.LOGIN, context).strip()
        group = GROUPS[self.parameterAsEnum(parameters, self.GROUP, context)]
        townships = [c for c in self.parameterAsString(parameters, self.TOWNSHIPS, context).replace("，", ",").split(",")]
        action = self.parameterAsEnum(parameters, self.ACTION, context)
        if not postgis.is_address(address):
            raise QgsProcessingException(f"不是 PostgreSQL 地址：{address}（例如 postgresql:service=weipian）")
        if action != self.GRANT and not login:
            raise QgsProcessingException("撤销角色须填写登录账号")
        with self.open_store(address) as store:
            try:
                pgroles.install(store)
                if action != self.GRANT:
                    left = pgroles.revoke(store, login, group if action == self.REVOKE else "")
                    feedback.pushInfo(f"已撤销 {login} 的角色组：{'、'.join(left)}（立即生效）")
                elif login:
                    pgroles.grant(store, login, group, townships)
                members = pgroles.memberships(store)
            except pgroles.RoleError as exc:
                raise QgsProcessingException(str(exc)) from exc
            except sqlite3.Error as exc:  # PostgreSQL's refusal, as core/store/postgis.py hands it on
                raise QgsProcessingException(f"不能设置角色（需由工作库的所有者运行）：{exc}") from exc
        feedback.pushInfo("角色组已就绪：" + "、".join(f"{g}（{label}）" for g, label in pgroles.GROUPS.items()))
        for member, member_group, codes in members:
            feedback.pushInfo(f"  {member} → {member_group}" + (f"（乡镇 {', '.join(codes)}）" if codes else ""))
        return {}
