# Sourced by the bench scripts. write_section replaces one section of a report (the lines
# between <!-- NAME:begin --> and <!-- NAME:end -->) with new text, or adds
# it at the end, leaving the rest of the file as it is.
#
#   write_section NAME REPORT "$section"
write_section() {
    local name=$1 report=$2 text=$3
    touch "$report"
    printf '%s\n' "$text" >"$report.section"
    if grep -q "<!-- $name:begin -->" "$report"; then
        awk -v begin="<!-- $name:begin -->" -v end="<!-- $name:end -->" '
            FNR == NR { section = section $0 "\n"; next }
            $0 == begin { printf "%s", section; skip = 1; next }
            $0 == end { skip = 0; next }
            !skip { print }
        ' "$report.section" "$report" >"$report.tmp"
    else
        { cat "$report"; printf '\n'; cat "$report.section"; } >"$report.tmp"
    fi
    rm -f "$report.section"
    mv "$report.tmp" "$report"
}

# 12345 -> 12,345
thousands() { printf '%s' "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }
