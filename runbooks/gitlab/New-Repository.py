"""
.SYNOPSIS
Creates a GitLab repository the standard way: name rules, group, CI template, protected main.

.DESCRIPTION
Every new repository is created consistently: the name is checked against the naming rule
(lower case letters, digits and dashes, 3 to 40 characters, starting with a letter), the
repository lands in one of the team groups with the chosen visibility, gets a README, a
.gitlab-ci.yml from the group's template when --with-ci is set, and a protected main branch.
This sample simulates the GitLab calls and prints what it would create.

.EXAMPLE
run New-Repository --name pos-price-sync --group retail --with-ci

.EXAMPLE
run New-Repository name=chatops-scripts group=infrastructure visibility=internal description="Runbooks for the bot"

.NOTES
Category: GitLab
Tags: gitlab, repository, onboarding
Target: local
Timeout: 2m
Owner: platform-team@contoso.com
Pattern.name: ^(?=.{3,40}$)[a-z][a-z0-9]*(?:-[a-z0-9]+)*$
PatternMessage.name: use 3-40 lower case letters, digits and single dashes, starting with a letter (example: pos-price-sync)
"""
import argparse
import json
import re

NAME_RULE = re.compile(r"[a-z][a-z0-9-]{2,39}")


def repository_name(text):
    if not NAME_RULE.fullmatch(text) or "--" in text or text.endswith("-"):
        raise argparse.ArgumentTypeError(
            f'"{text}" is not a valid repository name: use 3-40 lower case letters, digits and single dashes, '
            "starting with a letter (example: pos-price-sync)"
        )
    return text


def main():
    parser = argparse.ArgumentParser(description="Create a GitLab repository the standard way.")
    parser.add_argument("--name", required=True, type=repository_name, help="Repository name: lower case, digits, dashes; e.g. pos-price-sync.")
    parser.add_argument("--group", required=True, choices=["platform", "retail", "infrastructure", "data"], help="GitLab group that owns it.")
    parser.add_argument("--visibility", choices=["private", "internal"], default="private", help="Who can see it (default %(default)s).")
    parser.add_argument("--description", default="", help="One line shown on the project page.")
    parser.add_argument("--with-ci", action="store_true", help="Add the group's .gitlab-ci.yml template.")
    args = parser.parse_args()

    path = f"{args.group}/{args.name}"
    steps = [f"Create project {path} ({args.visibility})", "Add README.md", "Protect branch main (maintainers merge, nobody pushes)"]
    if args.with_ci:
        steps.append(f"Add .gitlab-ci.yml from template {args.group}/ci-templates")
    for number, step in enumerate(steps, start=1):
        print(f"##progress {number * 100 // len(steps)} {step}")
        print(f"{step} ... done")
    print(json.dumps({
        "repository": path,
        "url": f"https://gitlab.contoso.com/{path}",
        "clone": f"git@gitlab.contoso.com:{path}.git",
        "visibility": args.visibility,
        "description": args.description,
        "ci": args.with_ci,
    }, indent=2))


if __name__ == "__main__":
    main()
