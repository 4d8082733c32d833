#!/usr/bin/env python3
"""Generate bpf/include/ebpfc/bpf_helper_defs.h from the kernel's uapi linux/bpf.h.

What it is for: BPF C programs call kernel helpers through function pointers
whose value is the helper's number (the call instruction's immediate).  The
kernel documents every helper's prototype in a comment of linux/bpf.h and
numbers them in the __BPF_FUNC_MAPPER / ___BPF_FUNC_MAPPER macro; this script
joins the two and writes one `static <ret> (* const bpf_<name>)(<args>) =
(void *) <id>;` per helper, with kernel-internal types rewritten to the types
a BPF program sees.

What it is not: it does not describe the helpers (read the kernel's header or
bpf-helpers(7) for that), and it does not decide which program types may call
which helper -- the verifier does.

Usage: tools/gen-helper-defs.py [-i /usr/include/linux/bpf.h] [-o FILE]
The output goes to stdout without -o.  Any prototype with a type this script
does not know makes it fail, so that a newer bpf.h is never half-translated.
"""

import argparse
import os
import re
import sys

DEFAULT_INPUT = "/usr/include/linux/bpf.h"

# Kernel-side spellings that BPF C spells differently.  Context structs: the
# kernel's docs name the in-kernel object, the program gets the uapi mirror.
BASE_TYPE_MAP = {
    "u8": "__u8", "u16": "__u16", "u32": "__u32", "u64": "__u64",
    "s8": "__s8", "s16": "__s16", "s32": "__s32", "s64": "__s64",
    "size_t": "unsigned long",   # BPF is LP64
    "pid_t": "int",
    "struct bpf_map": "void",    # maps are passed as the address of their definition
    "struct sk_buff": "struct __sk_buff",
    "struct sk_msg_buff": "struct sk_msg_md",
    "struct xdp_buff": "struct xdp_md",
    "struct bpf_sock_ops_kern": "struct bpf_sock_ops",
    "struct sk_reuseport_kern": "struct sk_reuseport_md",
}

# Spellings kept as they are: C types, and uapi types from linux/types.h
# (or vmlinux.h) that a BPF program already has.
KNOWN_SCALARS = {
    "void", "char", "signed char", "unsigned char", "short", "unsigned short",
    "int", "unsigned int", "long", "unsigned long", "long long",
    "unsigned long long", "_Bool",
    "__u8", "__u16", "__u32", "__u64", "__s8", "__s16", "__s32", "__s64",
    "__be16", "__be32", "__be64", "__le16", "__le32", "__le64",
    "__wsum", "__sum16",
}

PROTO_RE = re.compile(r"^ \* (?P<ret>[A-Za-z_][\w ]*?[\s*]+)(?P<name>bpf_\w+)\((?P<args>.*)\)\s*$")
DESC_RE = re.compile(r"^ \*\s+Description\s*$")
ATTRS_RE = re.compile(r"^ \*\s+Attributes\s*$")

# Attributes the kernel's documentation may list under a helper, and how
# they are spelled in C.  Each is defined to nothing when clang lacks it.
KNOWN_ATTRS = {
    "__bpf_fastcall": "bpf_fastcall",   # helper preserves caller-saved registers
}


def fail(msg):
    sys.stderr.write("gen-helper-defs: %s\n" % msg)
    sys.exit(1)


def split_decl(decl, named=True):
    """'const struct foo **p' -> ('const struct foo', 2, 'p').

    A return type (named=False) has no name.  Qualifiers after a '*' do not
    occur in the kernel's documentation and are rejected."""
    tokens = re.findall(r"\*|[A-Za-z_]\w*|\S", decl)
    words = [t for t in tokens if t != "*"]
    stars = len(tokens) - len(words)
    if not words or any(not re.match(r"^[A-Za-z_]\w*$", w) for w in words):
        fail("cannot parse declaration '%s'" % decl)
    if stars and tokens.index("*") < len(tokens) - stars - (1 if named else 0):
        fail("cannot parse declaration '%s' (qualified pointer?)" % decl)
    name = None
    if named:
        if len(words) < 2:
            fail("parameter '%s' has no name" % decl)
        name = words.pop()
    return " ".join(words), stars, name


def map_type(base, stars, structs, where):
    qual = ""
    if base.startswith("const "):
        qual, base = "const ", base[len("const "):]
    if base.startswith("volatile "):
        qual, base = qual + "volatile ", base[len("volatile "):]
    base = BASE_TYPE_MAP.get(base, base)
    m = re.match(r"^(struct|union|enum) (\w+)$", base)
    if m:
        if stars == 0 and m.group(1) != "enum":
            fail("%s: aggregate passed by value ('%s')" % (where, base))
        if m.group(1) in ("struct", "union"):
            structs.add(base)
    elif base not in KNOWN_SCALARS:
        fail("%s: unknown type '%s'; teach BASE_TYPE_MAP or KNOWN_SCALARS about it" % (where, base))
    return qual + base + (" " + "*" * stars if stars else "")


def parse_docs(lines):
    """Every documented prototype, in order: (name, ret, [args], line, [attrs])."""
    start = None
    for i, l in enumerate(lines):
        if "Start of BPF helper function descriptions" in l:
            start = i
            break
    if start is None:
        fail("no helper descriptions found (is this linux/bpf.h?)")
    protos = []
    for i in range(start, len(lines) - 1):
        if lines[i].startswith(" */"):
            break
        m = PROTO_RE.match(lines[i])
        if not m or not DESC_RE.match(lines[i + 1]):
            continue
        args = [a.strip() for a in m.group("args").split(",")]
        attrs = []
        j = i + 2
        while j < len(lines) and not lines[j].startswith(" */") and not PROTO_RE.match(lines[j]):
            if ATTRS_RE.match(lines[j]):
                k = j + 1
                while k < len(lines) and re.match(r"^ \*\s*\t\t|^ \*\s{9,}", lines[k]):
                    attrs += lines[k][2:].split()
                    k += 1
            j += 1
        for a in attrs:
            if a not in KNOWN_ATTRS:
                fail("%s (line %d): unknown attribute '%s'; teach KNOWN_ATTRS about it"
                     % (m.group("name"), i + 1, a))
        protos.append((m.group("name"), m.group("ret").strip(), args, i + 1, attrs))
    if not protos:
        fail("helper description block contains no prototypes")
    return protos


def parse_ids(text):
    """Helper name (without bpf_) -> number, from the FUNC_MAPPER macro.

    Linux >= 6.2 writes FN(name, id, ##ctx); older kernels write FN(name) and
    number by position."""
    lines = text.split("\n")
    body = None
    for i, l in enumerate(lines):
        if re.match(r"^#define _{2,3}BPF_FUNC_MAPPER\(FN\b", l):
            body = []
            j = i
            while lines[j].rstrip().endswith("\\") and j + 1 < len(lines):
                j += 1
                body.append(lines[j])
            if len(body) > 10:  # not the one-line alias newer kernels also define
                break
            body = None
    if body is None:
        fail("no __BPF_FUNC_MAPPER / ___BPF_FUNC_MAPPER macro found")
    # Drop comments inside the macro (they mention FN( in prose sometimes).
    body = re.sub(r"/\*.*?\*/", " ", "\n".join(body), flags=re.S)
    ids = {}
    pos = 0
    for fm in re.finditer(r"\bFN\(\s*(\w+)\s*(?:,\s*(\d+))?", body):
        name, num = fm.group(1), fm.group(2)
        n = int(num) if num is not None else pos
        if name in ids:
            fail("helper '%s' numbered twice" % name)
        ids[name] = n
        pos += 1
    return ids


def uapi_version():
    path = "/usr/include/linux/version.h"
    try:
        with open(path) as f:
            t = f.read()
    except OSError:
        return None
    parts = [re.search(r"#define LINUX_VERSION_%s (\d+)" % k, t) for k in ("MAJOR", "PATCHLEVEL", "SUBLEVEL")]
    if all(parts):
        return ".".join(p.group(1) for p in parts)
    return None


def generate(path):
    with open(path) as f:
        text = f.read()
    lines = text.split("\n")
    protos = parse_docs(lines)
    ids = parse_ids(text)

    # A helper documented once per context type (bpf_get_socket_cookie,
    # bpf_sk_assign) takes whichever context it is called with: its first
    # parameter becomes 'void *ctx'.  The first description wins otherwise.
    first = {}
    arg0_types = {}
    for name, ret, args, ln, attrs in protos:
        first.setdefault(name, (ret, args, ln, attrs))
        a0 = split_decl(args[0])[:2] if args and args[0] not in ("void", "...") else None
        arg0_types.setdefault(name, set()).add(a0)
    overloaded = sorted(n for n, s in arg0_types.items() if len(s) > 1)

    structs = set()
    out_defs = []
    undocumented = []
    by_id = sorted(ids.items(), key=lambda kv: kv[1])
    for short, num in by_id:
        name = "bpf_" + short
        if name not in first:
            if short != "unspec":
                undocumented.append(name)
            continue
        ret, args, ln, attrs = first[name]
        where = "%s (line %d)" % (name, ln)
        rbase, rstars, _ = split_decl(ret, named=False)
        cret = map_type(rbase, rstars, structs, where)
        cargs = []
        if args == ["void"] or args == [""]:
            cargs = ["void"]
        else:
            for i, a in enumerate(args):
                if a == "...":
                    cargs.append("...")
                    continue
                if i == 0 and name in overloaded:
                    cargs.append("void *ctx")
                    continue
                base, stars, pname = split_decl(a)
                t = map_type(base, stars, structs, where)
                cargs.append(t + ("" if t.endswith("*") else " ") + pname)
        kproto = " ".join(lines[ln - 1][3:].split())
        out_defs.append((num, name, cret, cargs, kproto, attrs))

    documented_without_id = sorted(set(first) - {"bpf_" + k for k in ids})
    if documented_without_id:
        fail("documented but not numbered: %s" % ", ".join(documented_without_id))

    ver = uapi_version() if os.path.abspath(path) == DEFAULT_INPUT else None
    o = []
    o.append("/*")
    o.append(" * ebpfc/bpf_helper_defs.h - the kernel's BPF helpers, one declaration each.")
    o.append(" *")
    o.append(" * GENERATED FILE -- do not edit.  Written by tools/gen-helper-defs.py")
    o.append(" * from %s%s." % (path, " (Linux uapi headers %s)" % ver if ver else ""))
    o.append(" * Refresh: tools/gen-helper-defs.py [-i linux/bpf.h] -o bpf/include/ebpfc/bpf_helper_defs.h")
    o.append(" *")
    o.append(" * One constant function pointer per BPF helper: its value is the helper's")
    o.append(" * number, which clang emits as the immediate of the BPF call instruction.")
    o.append(" * Kernel-internal types of the kernel's documentation are rewritten to what a")
    o.append(" * BPF program sees (struct bpf_map * -> void *, struct sk_buff * ->")
    o.append(" * struct __sk_buff *, u64 -> __u64, ...); helpers documented once per context")
    o.append(" * type (%s) take 'void *ctx'." % ", ".join(overloaded))
    o.append(" *")
    o.append(" * Include <ebpfc/bpf_helpers.h> rather than this file; linux/bpf.h (or")
    o.append(" * vmlinux.h) must come first, since the __u32/__be16/__wsum types are theirs.")
    o.append(" * Each definition is preceded by the prototype as the kernel documents it.")
    o.append(" */")
    o.append("#ifndef EBPFC_BPF_HELPER_DEFS_H")
    o.append("#define EBPFC_BPF_HELPER_DEFS_H")
    o.append("")
    o.append("/* Structs the helpers take or return by pointer; no definition is needed. */")
    for s in sorted(structs):
        o.append("%s;" % s)
    o.append("")
    used_attrs = sorted({a for d in out_defs for a in d[5]})
    for a in used_attrs:
        o.append("#ifndef %s" % a)
        o.append("#if defined(__has_attribute)")
        o.append("#if __has_attribute(%s)" % KNOWN_ATTRS[a])
        o.append("#define %s __attribute__((%s))" % (a, KNOWN_ATTRS[a]))
        o.append("#endif")
        o.append("#endif")
        o.append("#ifndef %s" % a)
        o.append("#define %s" % a)
        o.append("#endif")
        o.append("#endif")
        o.append("")
    for num, name, cret, cargs, kproto, attrs in out_defs:
        o.append("/* #%d  %s */" % (num, kproto))
        sep = "" if cret.endswith("*") else " "
        pre = "".join(a + " " for a in attrs)
        o.append("static %s%s%s(* const %s)(%s) = (void *) %d;"
                 % (pre, cret, sep, name, ", ".join(cargs), num))
        o.append("")
    if undocumented:
        o.append("/* Numbered by the kernel but not documented, so not declared here: */")
        for n in undocumented:
            o.append("/*   %s (#%d) */" % (n, ids[n[4:]]))
        o.append("")
    o.append("#endif /* EBPFC_BPF_HELPER_DEFS_H */")
    return "\n".join(o) + "\n", len(out_defs), undocumented


def main():
    ap = argparse.ArgumentParser(description="Generate BPF helper declarations from linux/bpf.h")
    ap.add_argument("-i", "--input", default=DEFAULT_INPUT, help="uapi linux/bpf.h to read")
    ap.add_argument("-o", "--output", help="file to write (default: stdout)")
    a = ap.parse_args()
    text, n, undocumented = generate(a.input)
    if a.output:
        tmp = a.output + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, a.output)
        sys.stderr.write("gen-helper-defs: %d helpers written to %s\n" % (n, a.output))
    else:
        sys.stdout.write(text)
    for u in undocumented:
        sys.stderr.write("gen-helper-defs: note: %s has a number but no documentation; skipped\n" % u)


if __name__ == "__main__":
    main()
