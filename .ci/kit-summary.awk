# Reads TRX files and prints, per conformance test class (a class whose name ends with
# "ConformanceTests": one engine, wrapper or stage run under the kit), how many kit cases ran and
# how they ended, then each skipped case with the reason the kit gave. xunit marks a skipped test
# "NotExecuted" and puts the skip reason in the result's ErrorInfo/Message.

/<UnitTestResult / {
  test = unescape(attribute($0, "testName"))
  outcome = attribute($0, "outcome")
  method = test
  sub(/\(.*$/, "", method)                 # theory arguments
  class = method
  sub(/\.[^.]*$/, "", class)               # the method
  sub(/\.[^.]*$/, "", method); method = substr(test, length(method) + 2)
  sub(/^.*\./, "", class)                  # the namespace
  current = (class ~ /ConformanceTests$/) ? class : ""
  if (current == "") next
  cases[current]++
  count[current, outcome]++
  pending = (outcome == "NotExecuted") ? current SUBSEP method : ""
  next
}

pending != "" && /<Message>/ {
  reason = $0
  sub(/^.*<Message>/, "", reason); sub(/<\/Message>.*$/, "", reason)
  split(pending, parts, SUBSEP)
  skips[parts[1]] = skips[parts[1]] sprintf("    skipped  %s: %s\n", parts[2], unescape(reason))
  pending = ""
}

END {
  n = 0
  for (class in cases) names[++n] = class
  for (i = 2; i <= n; i++) { key = names[i]; for (j = i - 1; j >= 1 && names[j] > key; j--) names[j + 1] = names[j]; names[j + 1] = key }
  for (i = 1; i <= n; i++) {
    class = names[i]
    ran = count[class, "Passed"] + count[class, "Failed"]
    printf "%-48s %4d ran (%d passed, %d failed), %d skipped\n", class, ran, count[class, "Passed"], count[class, "Failed"], count[class, "NotExecuted"]
  }
  for (i = 1; i <= n; i++) {
    class = names[i]
    if (skips[class] != "") printf "%s skipped:\n%s", class, skips[class]
  }
}
