# Reads TRX files and prints every failed test with the first lines of its message, so that the end
# of CI's output (which is all some readers see) names what failed. Prints nothing when all passed.

/<UnitTestResult / {
  pending = (attribute($0, "outcome") == "Failed") ? unescape(attribute($0, "testName")) : ""
  if (pending != "") { failures++; printf "FAILED  %s\n", pending }
  message = 0; lines = 0
}

pending != "" && /<Message>/ { message = 1 }

pending != "" && message {
  text = $0
  sub(/^.*<Message>/, "", text)
  done = sub(/<\/Message>.*$/, "", text)
  text = unescape(text)
  if (length(text) > 400) text = substr(text, 1, 400) "…"
  if (lines++ < 6 && text != "") printf "        %s\n", text
  if (done) { pending = ""; message = 0; lines = 0 }
}

END { if (failures) printf "%d failed test(s) listed above\n", failures }
