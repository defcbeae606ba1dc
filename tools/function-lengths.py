#!/usr/bin/env python3
"""Lists C++ functions longer than a limit, longest first: "LINES FILE:LINE NAME".

Measures by matching braces on source with comments, strings and preprocessor lines blanked out, which copes with
what pmccabe 2.8 cannot parse (nested namespaces, attributes, Qt macros). A function's length runs from the line its
signature starts on to its closing brace; lambdas count towards the function they are written in.
Usage: function-lengths.py LIMIT FILE...   Exit status 1 when any function is over LIMIT.
"""
import re
import sys

SCOPE_HEAD = re.compile(r'^(template\s*<.*>\s*)?(namespace|class|struct|union|enum)\b', re.S)
CTOR_INIT = re.compile(r'\)[\w\s&]*:[^:]')  # "...) : m_x" — a brace here initialises a member


def blank(text):
    """Keeps newlines so line numbers survive."""
    return ''.join(ch if ch == '\n' else ' ' for ch in text)


def strip_code(src):
    out, i, n = [], 0, len(src)
    while i < n:
        if src.startswith('//', i):
            j = src.find('\n', i)
            j = n if j < 0 else j
        elif src.startswith('/*', i):
            j = src.find('*/', i + 2)
            j = n if j < 0 else j + 2
        elif src.startswith('R"', i) and (m := re.match(r'R"([^(\s]*)\(', src[i:])):
            end = src.find(')' + m.group(1) + '"', i)
            j = n if end < 0 else end + len(m.group(1)) + 2
        elif src[i] in '"\'' and not (src[i] == "'" and i > 0 and src[i - 1].isalnum()):
            j = i + 1
            while j < n and src[j] != src[i] and src[j] != '\n':
                j += 2 if src[j] == '\\' else 1
            j += 1
        else:
            out.append(src[i])
            i += 1
            continue
        out.append(blank(src[i:j]))
        i = j
    return re.sub(r'^[ \t]*#.*$', lambda m: blank(m.group(0)), ''.join(out), flags=re.M)


def opens_function(head):
    head = head.strip()
    if SCOPE_HEAD.match(head) or head.startswith('extern') or '(' not in head or head.endswith('='):
        return False
    return True


def measure(path):
    src = strip_code(open(path, encoding='utf-8', errors='replace').read())
    stack, found, start = [], [], 0
    for i, c in enumerate(src):
        if c == '{':
            head = src[start:i]
            if any(kind == 'function' for kind, _, _ in stack):
                stack.append(('block', 0, ''))
            elif CTOR_INIT.search(head.strip()) and re.search(r'\w$', head.strip()) and \
                    not head.strip().endswith(('const', 'override', 'noexcept', 'final')):
                stack.append(('init', 0, ''))
                continue  # the signature goes on after the member's braces
            elif opens_function(head):
                first = start + len(head) - len(head.lstrip())
                name = re.search(r'([~\w:]+(?:operator\s*\S+)?)\s*\(', head)
                stack.append(('function', src.count('\n', 0, first) + 1, name.group(1) if name else head.strip()[:40]))
            else:
                stack.append(('scope', 0, ''))
            start = i + 1
        elif c == '}':
            if not stack:
                continue
            kind, line, name = stack.pop()
            if kind == 'init':
                continue
            if kind == 'function':
                end = src.count('\n', 0, i) + 1
                found.append((end - line + 1, line, name))
            start = i + 1
        elif c == ';' or (c == ':' and re.search(r'\b(public|private|protected|signals|slots)\s*$', src[start:i])):
            start = i + 1
    return found


def main():
    limit, files = int(sys.argv[1]), sys.argv[2:]
    over = [(length, f'{path}:{line}', name) for path in files for length, line, name in measure(path) if length > limit]
    for length, where, name in sorted(over, reverse=True):
        print(f'{length}\t{where}\t{name}')
    return 1 if over else 0


if __name__ == '__main__':
    sys.exit(main())
