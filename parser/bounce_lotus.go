package parser

import "strings"

// This file reads the notices of Lotus (IBM, HCL) Notes and Domino.

// isNotes tells the notices of Lotus (IBM, HCL) Notes.
func isNotes(m *bounceMail, lower string) bool {
	return strings.HasPrefix(m.subject, "undeliverable message") && strings.Contains(lower, "------- failure reasons ")
}

// readNotes reads the "Failure Reasons" section: lines holding only an
// address are the recipients, the other lines the reason; when none is
// named, the returned message's To is the recipient.
func readNotes(m *bounceMail, _ string) []failure {
	text := strings.Join(m.texts(), "\n")
	notice, original, _ := strings.Cut(text, "------- Returned Message --------")
	var n noticeLines
	n.add(failure{})
	for _, line := range noticeLinesAfter(notice, false, func(line string) bool {
		return strings.HasPrefix(line, "------- Failure Reasons ")
	}) {
		if line == "" {
			continue
		}
		f := n.last()
		if strings.IndexByte(line, '@') > 0 && !strings.Contains(line, " ") {
			if cleanAddress(line) == "" {
				continue
			}
			if f.recipient != "" {
				f = n.add(failure{})
			}
			f.recipient = line
		} else if !strings.HasPrefix(line, "-") {
			n.note(line)
		}
	}
	out := n.failures(" ")
	if out[0].recipient == "" {
		if _, to, ok := strings.Cut(original, "\nTo:"); ok {
			to, _, _ = strings.Cut(to, "\n")
			out[0].recipient = to
		}
	}
	for i := range out {
		switch diag := cleanDiag(out[i].diag); {
		case strings.Contains(diag, "Message has exceeded maximum hop count"):
			out[i].reason = "networkerror"
		case strings.Contains(diag, "User not listed in public Name & Address Book"), strings.Contains(diag, "ディレクトリのリストにありません"):
			out[i].reason = "userunknown"
		}
	}
	return out
}

// isDomino tells the notices of (HCL, IBM, Lotus) Domino.
func isDomino(m *bounceMail, lower string) bool {
	return strings.HasPrefix(m.subject, "delivery failure:") || strings.Contains(m.subject, "delivery_failure")
}

// dominoMessages are Domino's words, in the languages it writes them.
var dominoMessages = []reasonText{
	{"filtered", "Cannot route mail to user"},
	{"systemerror", "Several matches found in Domino Directory"},
	{"userunknown", "not listed in Domino Directory"},
	{"userunknown", "not listed in public Name & Address Book"},
	{"userunknown", "no se encuentra en el Directorio de Domino"},
	{"userunknown", "non répertorié dans l'annuaire Domino"},
	{"userunknown", "Domino ディレクトリには見つかりません"},
}

// readDomino reads "was not delivered to:" and the indented address under
// it, and the line after "because:" as the diagnostic; RFC 3464 fields in
// the text fill in the rest.
func readDomino(m *bounceMail, notice string) []failure {
	var out []failure
	because := false
	for _, line := range noticeLinesAfter(notice, false, func(line string) bool {
		return strings.HasPrefix(line, "Your message")
	}) {
		if line == "" {
			continue
		}
		switch {
		case line == "was not delivered to:":
			out = append(out, failure{})
			continue
		case len(out) == 0:
			continue
		}
		f := &out[len(out)-1]
		switch {
		case strings.HasPrefix(line, "  ") && strings.IndexByte(line, '@') > 0 && len(line) > 3 && !strings.Contains(line[3:], " "):
			f.recipient = strings.TrimSpace(line)
		case line == "because:":
			because = true
		case because:
			f.diag, because = line, false
		default:
			if d := dsnField.FindStringSubmatch(line); d != nil {
				switch strings.ToLower(d[1]) {
				case "diagnostic-code":
					spec, diag := splitTyped(d[2])
					if f.spec == "" {
						f.spec = spec
					}
					if f.diag == "" {
						f.diag = diag
					}
				case "status":
					f.status = findStatusField(d[2])
				case "action":
					f.action = strings.ToLower(strings.TrimSpace(d[2]))
				}
			}
		}
	}
	for i := range out {
		f := &out[i]
		diag := cleanDiag(f.diag)
		for _, d := range dominoMessages {
			if strings.Contains(diag, d.text) {
				f.reason = d.reason
				if f.status == "" {
					f.status = internalStatus(d.reason, false)
				}
				break
			}
		}
	}
	return out
}
