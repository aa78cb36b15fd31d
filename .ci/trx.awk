# Functions shared by the TRX readers (kit-summary.awk, failed-tests.awk): run with awk -f .ci/trx.awk -f <reader>.

function unescape(text) {
  gsub(/&lt;/, "<", text); gsub(/&gt;/, ">", text); gsub(/&quot;/, "\"", text)
  gsub(/&apos;/, "'", text); gsub(/&#xD;/, "", text); gsub(/&#xA;/, " ", text); gsub(/&amp;/, "\\&", text)
  return text
}

function attribute(line, name,    pattern) {
  pattern = name "=\"[^\"]*\""
  if (!match(line, pattern)) return ""
  return substr(line, RSTART + length(name) + 2, RLENGTH - length(name) - 3)
}
