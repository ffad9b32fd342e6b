"""Deterministic, valid-looking identifiers for demo data (check digits computed, not invented)."""

from __future__ import annotations

import datetime
import random

from sanxiang.core.identifiers import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_char,
    id_card_check_char,
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红文斌辉鹏飞宇浩凯健波宁雪琳晨阳峰磊俊亮新春海燕"


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def credit_code(rng: random.Random, division: str, kind: str = "91") -> str:
    body = kind + division + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    return body + credit_code_check_char(body)


def id_card(rng: random.Random, division: str) -> str:
    birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(0, 12000))
    body = division + birth.strftime("%Y%m%d") + f"{rng.randrange(0, 1000):03d}"
    return body + id_card_check_char(body)
