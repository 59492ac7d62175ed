#!/usr/bin/env python3
"""Writes a registry of UNITS units in 4 sections and one bulletin-style report for a period with
ENTRIES_PER_UNIT dated activities per unit, into OUT_DIR (units.json, appsettings.json, report.txt).
Used by queue-bench.sh; deterministic."""
import json
import random
import sys

out_dir, units_count, per_unit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(21)
sections = ["创新驱动示范市工作情况", "创新驱动助力工程试点学会工作情况", "省级、副省级科协开展创新驱动助力工程试点情况", "其他全国学会和地方科协推进情况"]
places = "保定鄂尔多斯四平芜湖泉州永川绍兴德阳株洲南通常州嘉兴台州湖州金华衢州舟山丽水温州宁波"
doings = ["召开理事会", "举办科普日活动", "组织专家赴企业调研", "开展学术交流", "举办创新创业大赛",
          "召开工作推进会", "开展科技咨询服务", "组织院士专家工作站座谈", "举办青少年科技创新大赛", "开展科技人才培训"]

units = []
for i in range(units_count):
    name = f"{places[(i * 2) % (len(places) - 1)]}{places[(i * 2 + 1) % (len(places) - 1)]}{i:03d}市"
    units.append({"name": name, "section": sections[i % 4], "aliases": [], "senders": [f"unit{i:03d}@units.example.org"]})

with open(f"{out_dir}/units.json", "w", encoding="utf-8") as f:
    json.dump({"sections": sections, "units": units}, f, ensure_ascii=False, indent=1)

with open(f"{out_dir}/appsettings.json", "w", encoding="utf-8") as f:
    json.dump({"Units": {"File": "units.json"}, "Logging": {"LogLevel": {"Default": "Warning", "Microsoft.Hosting.Lifetime": "Information"}}}, f)

ordinals = "一二三四"
lines = ["创新驱动助力工程动态", ""]
for s, section in enumerate(sections):
    lines.append(f"{ordinals[s]}、{section}")
    for unit in units[s::4]:
        days = sorted(random.sample(range(1, 29), per_unit))
        clauses = [f"10月{d}日,{unit['name'][:-1]}科协{random.choice(doings)},参加人员{random.randint(20, 400)}人" for d in days]
        lines.append(f"{unit['name']}:" + ";".join(clauses) + "。")
    lines.append("")

with open(f"{out_dir}/report.txt", "w", encoding="utf-8") as f:
    f.write("\n".join(lines))
