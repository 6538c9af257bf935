"""200 people at once on the city demo: the pages they open most and the API, as several roles (locust).

Run through ``bench/bench_load.py`` (it prepares the database, the tokens and the server, and refuses any host
but 127.0.0.1). Each simulated user logs in through the login form as one of the demo's accounts, opens its
list pages, then picks cadres and classes from the links on those pages and opens their detail pages, archive
and class pages; one in five users is another system calling the API with a bearer token instead.
Requests are named by page (not by URL), so the statistics are per page.
"""

import json
import os
import random
import re

from locust import HttpUser, between, task

SETTINGS = json.loads(open(os.environ["GANXUN_LOAD_SETTINGS"], encoding="utf-8").read())
PASSWORD = SETTINGS["password"]
CADRE_LINK = re.compile(r'href="/cadres/([A-Za-z0-9_-]+)/"')
CLASS_LINK = re.compile(r'href="/classes/([A-Za-z0-9_-]+)/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Person(HttpUser):
    """A department or unit user in a browser."""

    weight = 4
    wait_time = between(1, 3)  # think time between clicks

    def on_start(self):
        self.account = random.choice(SETTINGS["accounts"])
        page = self.client.get("/accounts/login/", name="登录页")
        token = CSRF.search(page.text).group(1)
        with self.client.post("/accounts/login/", name="登录", allow_redirects=False, catch_response=True,
                              data={"csrfmiddlewaretoken": token, "username": self.account["username"],
                                    "password": PASSWORD, "next": ""},
                              headers={"Referer": self.host + "/accounts/login/", "Origin": self.host}) as answer:
            if answer.status_code != 302:
                answer.failure(f"登录失败：{answer.status_code}")
        listing = self.client.get("/cadres/", name="干部名册")
        self.cadres = sorted(set(CADRE_LINK.findall(listing.text)))[:20]
        classes = self.client.get("/classes/", name="培训班次")
        self.classes = sorted(set(CLASS_LINK.findall(classes.text)))[:10]

    def _page(self, path, name):
        self.client.get(path, name=name)

    @task(4)
    def dashboard(self):
        self._page("/", "工作台")

    @task(3)
    def cadre_list(self):
        self._page(f"/cadres/?page={random.randint(1, 5)}", "干部名册")

    @task(1)
    def cadre_search(self):
        self._page("/cadres/?q=" + random.choice("王李张刘陈杨赵"), "干部名册 · 搜索姓名")

    @task(4)
    def cadre_detail(self):
        if self.cadres:
            self._page(f"/cadres/{random.choice(self.cadres)}/", "干部详情")

    @task(2)
    def archive(self):
        if self.cadres:
            self._page(f"/archive/{random.choice(self.cadres)}/", "电子档案")

    @task(2)
    def records(self):
        self._page("/records/list/", "学习记录")

    @task(2)
    def classes(self):
        self._page("/classes/", "培训班次")

    @task(2)
    def class_detail(self):
        if self.classes:
            self._page(f"/classes/{random.choice(self.classes)}/", "班次详情")

    @task(1)
    def report(self):
        self._page("/reports/dashboard/?plan=henan-2019-2022&as_of=2022-12-31", "达标评估 · 2022-12-31")


class OtherSystem(HttpUser):
    """Another system reading through the API with a token."""

    weight = 1
    wait_time = between(0.5, 2)

    def on_start(self):
        api = random.choice(SETTINGS["tokens"])
        self.client.headers["Authorization"] = f"Bearer {api['token']}"
        self.cadres = api["cadres"]

    @task(3)
    def cadres_page(self):
        self.client.get(f"/api/v1/cadres/?page={random.randint(1, 5)}", name="API 干部列表")

    @task(4)
    def cadre(self):
        self.client.get(f"/api/v1/cadres/{random.choice(self.cadres)}", name="API 干部详情")

    @task(3)
    def records(self):
        self.client.get(f"/api/v1/cadres/{random.choice(self.cadres)}/records", name="API 学习记录")

    @task(1)
    def compliance(self):
        self.client.get(f"/api/v1/cadres/{random.choice(self.cadres)}/compliance?plan=henan-2019-2022&as_of=2022-12-31",
                        name="API 干部达标")

    @task(1)
    def classes(self):
        self.client.get("/api/v1/classes/", name="API 班次列表")
