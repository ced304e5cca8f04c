package parser

import (
	"strings"
)

// This file reads Sendmail's notices (sendmail/savemail.c): the list of
// addresses with "permanent fatal errors" and the transcript of the SMTP
// session, whose ">>>" lines are what Sendmail sent and "<<<" lines what
// the remote server answered.

func isSendmail(m *bounceMail, lower string) bool {
	if !strings.HasPrefix(m.subject, "warning: ") && !strings.HasSuffix(m.subject, "see transcript for details") {
		return false
	}
	return strings.Contains(lower, "----- transcript of session follows -----")
}

// sendmailTranscript is what the transcript of the session says.
type sendmailTranscript struct {
	command  string   // the first command sent (">>> DATA")
	replies  []string // the remote server's answers ("<<< 550 ..."), each once
	status   string   // a status Sendmail states itself ("554 5.3.0 unknown mailer error")
	diag     string   // Sendmail's own words about the failure
	rcpt     string   // a recipient the transcript names ("<a@b>... Deferred: ...")
	rcptDiag string
}

// readSendmailTranscript reads the transcript part of a Sendmail notice.
func readSendmailTranscript(notice string) sendmailTranscript {
	var t sendmailTranscript
	var diag []string
	seen := map[string]bool{}
	in, talking := false, false
	for _, line := range strings.Split(notice, "\n") {
		line = strings.TrimRight(line, "\r")
		if !in {
			in = strings.Contains(line, "----- Transcript of session follows -----")
			continue
		}
		if strings.HasPrefix(line, " ") || line == "" {
			continue
		}
		switch {
		case strings.HasPrefix(line, ">>> "):
			if t.command == "" {
				t.command = smtpCommand(line)
			}
		case strings.HasPrefix(line, "<<< "):
			if r := line[4:]; !seen[r] {
				seen[r] = true
				t.replies = append(t.replies, r)
			}
		case talking:
		case strings.HasPrefix(line, "... while talking to "):
			talking = true
		case strings.HasPrefix(line, "<") && strings.Contains(line, "@") && strings.Contains(line, ">."):
			// <kijitora@example.co.jp>... Deferred: Name server: example.co.jp.: host name lookup failure
			t.rcpt = strings.Trim(line[:strings.IndexByte(line, '>')+1], "<>")
			if _, d, ok := strings.Cut(line, " "); ok {
				t.rcptDiag = d
			}
		default:
			if r, s := findReply(line, ""), findStatus(line); len(r+s) > 7 {
				t.status = s
				diag = append(diag, line)
			} else if strings.HasPrefix(line, "Message: ") || strings.HasPrefix(line, "Warning: ") {
				diag = append(diag, line)
			}
		}
	}
	t.diag = strings.Join(diag, " ")
	if t.diag == "" {
		t.diag = t.rcptDiag
	}
	return t
}

// settleSendmail adds the transcript to each failure: the remote server's
// answers lead the diagnostic when one recipient failed, the command is
// the one the transcript shows (EHLO when the server answered before any),
// and Sendmail's own status stands in for a report that has none.
func settleSendmail(m *bounceMail, fs []failure) {
	t := readSendmailTranscript(m.notice)
	for i := range fs {
		f := &fs[i]
		if t.diag != "" && (strings.TrimSpace(f.diag) == "" || onlyDigits(strings.TrimSpace(f.diag))) {
			f.diag = t.diag
		}
		if len(t.replies) > 0 && len(fs) == 1 {
			f.diag = strings.Join(t.replies, " ") + " " + f.diag
		}
		if f.command == "" {
			f.command = t.command
		}
		if f.command == "" {
			f.command = smtpCommand(f.diag)
		}
		if f.command == "" && len(t.replies) > 0 {
			f.command = "EHLO"
		}
		if t.status != "" && f.status == "" {
			f.status = t.status
		}
	}
}

// readSendmail reads the list of failed addresses: each address on a line,
// then "(reason: ...)" and "(expanded from: ...)" lines.
func readSendmail(m *bounceMail, notice string) []failure {
	var out []failure
	in := false
	for _, line := range strings.Split(notice, "\n") {
		line = strings.TrimRight(line, "\r")
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.Contains(line, "----- The following addresses had"):
			in = true
			continue
		case strings.HasPrefix(trimmed, "-----"):
			in = false
		}
		if !in || trimmed == "" {
			continue
		}
		if !strings.HasPrefix(line, " ") {
			out = append(out, failure{recipient: trimmed})
			continue
		}
		if len(out) == 0 {
			continue
		}
		f := &out[len(out)-1]
		if r, ok := strings.CutPrefix(trimmed, "(reason: "); ok {
			f.diag = strings.TrimSuffix(r, ")")
		} else if a, ok := strings.CutPrefix(trimmed, "(expanded from: "); ok && cleanAddress(f.recipient) == "" {
			f.recipient = strings.TrimSuffix(a, ")")
		}
	}
	return out
}

// onlyDigits tells whether s is a non-empty run of digits.
func onlyDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// v5Boundaries begin the returned message in Sendmail 5's notices.
var v5Boundaries = []string{"   ----- Unsent message follows -----", "  ----- No message was collected -----"}

// isV5Sendmail tells Sendmail 5's notices: a "Returned mail: " subject,
// a transcript and the unsent message.
func isV5Sendmail(m *bounceMail, lower string) bool {
	if !strings.HasPrefix(m.subject, "returned mail: ") || !strings.Contains(lower, "----- transcript of session follows -----") {
		return false
	}
	return strings.Contains(lower, "----- unsent message follows -----") || strings.Contains(lower, "----- no message was collected -----")
}

// readV5Sendmail reads Sendmail 5's transcript: "While talking to host:"
// opens a session, ">>>" and "<<<" lines are its commands and answers,
// and "550 <a@b>... reason" lines name the failed recipients. Errors
// before any session (a connection that timed out) belong to the
// recipient of the returned message.
func readV5Sendmail(m *bounceMail, _ string) []failure {
	text := strings.Join(m.texts(), "\n")
	var notice, original string
	for _, b := range v5Boundaries {
		if i := strings.Index(text, b); i >= 0 {
			notice, original = text[:i], text[i:]
			break
		}
	}
	if original == "" {
		return nil
	}
	var n noticeLines
	n.add(failure{})
	other := map[int][]string{} // lines outside a session, by entry
	host, cmd := "", ""
	for _, line := range noticeLinesAfter(notice, false, func(line string) bool {
		return strings.Contains(line, "----- Transcript of session follows -----")
	}) {
		if line == "" {
			continue
		}
		f, at := n.last(), len(n.fs)-1
		if strings.HasPrefix(line, ">>> ") {
			cmd = smtpCommand(line[4:])
		}
		rcpt := ""
		if i := strings.Index(line, " <"); i >= 0 && strings.Contains(line[i:], "@") && strings.Contains(line[i:], ">...") {
			rcpt = line[i+2 : i+strings.Index(line[i:], ">...")]
		} else if strings.Contains(strings.ToUpper(line), ">>> RCPT TO:") {
			if i := strings.Index(line, ":<"); i >= 0 {
				rcpt, _, _ = strings.Cut(line[i+2:], ">")
			}
		}
		switch {
		case rcpt != "" && host == "":
			other[at] = append(other[at], line)
		case rcpt != "" && (rcpt == f.recipient || cmd == "MAIL" && strings.HasPrefix(line, "<<< ")):
			n.note(line)
			cmd = ""
		case rcpt != "":
			if f.recipient != "" {
				f = n.add(failure{})
			}
			f.recipient = rcpt
			n.note(line)
			if f.command == "" {
				f.command = cmd
			}
		case strings.Contains(line, "While talking to "):
			host = line
		case strings.HasPrefix(line, ">>> ") || strings.HasPrefix(line, "<<< "):
			n.note(line)
		default:
			other[at] = append(other[at], line)
		}
	}
	out := n.failures(" ")
	if out[0].recipient == "" {
		first := strings.Join(other[0], " ")
		if a := addrPattern.FindString(first); a != "" {
			out[0].recipient, out[0].diag = a, first
		} else if _, to, ok := strings.Cut(original, "\nTo: "); ok {
			to, _, _ = strings.Cut(to, "\n")
			out[0].recipient = to
		}
	}
	for i := range out {
		f := &out[i]
		if strings.TrimSpace(f.diag) == "" {
			f.diag = strings.Join(other[i], " ")
		}
		if f.command == "" {
			f.command = smtpCommand(f.diag)
		}
	}
	return out
}
