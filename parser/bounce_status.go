package parser

import (
	"regexp"
	"strconv"
	"strings"
)

// This file reads the two kinds of codes a bounce carries: RFC 3463
// enhanced status codes ("5.1.1") and RFC 5321 reply codes ("550"), and
// chooses between them when a report holds several.

// ipv4 matches a dotted quad, which would otherwise read as a status code
// ("192.0.2.1" holds "2.0.2").
var ipv4 = regexp.MustCompile(`\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b`)

// statusCode matches an RFC 3463 section 2 code: class 2, 4 or 5, a subject
// of one digit and a detail of one to three digits. Subjects above 7 are
// not defined and are left out.
var statusCode = regexp.MustCompile(`([245])\.([0-7])\.(\d{1,3})`)

// findStatus returns the enhanced status code a diagnostic text gives, ""
// when it gives none. When the text holds several, the most specific is
// chosen (preferStatus); "X.0.0" and "4.4.7" (delivery time expired, which
// hides the real cause) count only when nothing else is there.
func findStatus(text string) string {
	if len(text) < 5 {
		return ""
	}
	text = ipv4.ReplaceAllString(text, "*")
	var found []string
	var vague string
	for _, m := range statusCode.FindAllStringSubmatchIndex(text, -1) {
		start, end := m[0], m[1]
		if start > 0 {
			// A digit, a dot or a slash before it makes it part of a
			// longer number or a path; a "v" makes it a version.
			switch c := text[start-1]; {
			case c >= '0' && c <= '9', c == '.', c == '/', c == 'v', c == 'V':
				continue
			}
		}
		if end < len(text) && text[end] >= '0' && text[end] <= '9' {
			continue // a detail of four digits or more is no status code
		}
		code := text[start:end]
		if strings.HasSuffix(code, ".0.0") && len(code) == 5 || code == "4.4.7" {
			vague = code
			continue
		}
		found = append(found, code)
	}
	if vague != "" {
		found = append(found, vague)
	}
	if len(found) == 0 {
		return ""
	}
	code := found[0]
	for _, next := range found[1:] {
		code = preferStatus(code, next, "")
	}
	return code
}

// preferStatus chooses between the status a report's Status field gives
// (field) and the one its diagnostic text gives (text); reply is the reply
// code, when known, whose class settles a disagreement of classes. The more
// specific code wins: "X.0.0" and "X.Y.0" give way, and so do codes that
// say little about the recipient (4.4.7 expired, 4.7.0, 5.3.x system,
// X.5.x protocol).
func preferStatus(field, text, reply string) string {
	switch {
	case field == "":
		return text
	case text == "":
		return field
	case len(field) < 5:
		return text
	case len(text) < 5:
		return field
	}
	if reply != "" && field[0] != text[0] {
		if reply[0] == field[0] {
			return field
		}
		if reply[0] == text[0] {
			return text
		}
	}
	if field == text {
		return field
	}
	fieldZero, textZero := strings.Contains(field, ".0"), strings.Contains(text, ".0")
	if strings.Contains(field, ".0.0") {
		if !strings.Contains(text, ".0.0") {
			return text
		}
		return field
	}
	if fieldZero && !textZero {
		return text
	}
	if strings.Contains(text, ".0.0") {
		return field
	}
	switch {
	case field == "4.4.7", field == "4.7.0", strings.HasPrefix(field, "5.3."):
		return text
	}
	for _, weak := range []string{".5.1", ".5.2", ".5.4", ".5.5"} {
		if strings.HasPrefix(field[1:], weak) {
			return text
		}
	}
	switch field {
	case "5.1.1":
		if textZero || strings.HasPrefix(text, "5.5.") {
			return field
		}
		return text
	case "5.1.3":
		if strings.HasPrefix(text, "5.7.") {
			return text
		}
	}
	return field
}

// replyCodes lists the RFC 5321 section 4.2 reply codes (with those of RFC
// 4954, 5248 and 7504) that a bounce may quote, by class.
var replyCodes = map[byte][]string{
	'5': {"550", "552", "553", "551", "521", "525", "523", "524", "530", "533", "534", "535", "538", "555", "556", "554", "500", "501", "502", "503", "504"},
	'4': {"421", "450", "451", "452", "422", "430", "432", "453", "454", "455", "458", "459"},
	'2': {"211", "214", "220", "221", "235", "250", "251", "252", "253", "334", "354"},
}

// findReply returns the SMTP reply code a diagnostic text quotes, "" when
// none. class, when not empty, is the class the code must have (the first
// digit of a known status). The commonest failure codes are looked for
// first, as a text may hold other numbers too.
func findReply(text, class string) string {
	if len(text) < 3 || strings.Contains(strings.ToUpper(text), "X-UNIX") {
		return ""
	}
	var classes []byte
	if class != "" && (class[0] == '2' || class[0] == '4' || class[0] == '5') {
		classes = []byte{class[0]}
	} else {
		classes = []byte{'5', '4', '2'}
	}
	padded := " " + text + " "
	for _, c := range classes {
		for _, code := range replyCodes[c] {
			from := 0
			for {
				i := strings.Index(padded[from:], code)
				if i < 0 {
					break
				}
				i += from
				before, after := padded[i-1], padded[i+3]
				if !isCodeChar(before) && !isCodeChar(after) {
					return code
				}
				from = i + 3
			}
		}
	}
	return ""
}

// isCodeChar tells whether c next to three digits makes them part of a
// longer number, a status code or a path rather than a reply code.
func isCodeChar(c byte) bool { return c >= '.' && c <= '9' }

// internalStatus gives, for a reason found from the text when the report
// names no status at all, the code sisimai reports in its place: class,
// "0" and a three-digit detail from 900 up that no RFC uses, so that the
// code still sorts the failure ("5.0.911" user unknown). temporary selects
// the class 4 form; reasons that are never temporary keep class 5.
func internalStatus(reason string, temporary bool) string {
	detail, ok := internalDetail[reason]
	if !ok {
		return ""
	}
	if temporary {
		switch reason {
		case "hasmoved", "hostunknown", "userunknown":
		case "filtered":
			return "4.0.924"
		default:
			return "4.0." + detail
		}
	}
	return "5.0." + detail
}

var internalDetail = map[string]string{
	"authfailure": "926", "badreputation": "975", "blocked": "971", "contenterror": "960",
	"exceedlimit": "923", "expired": "947", "failedstarttls": "976", "filtered": "910",
	"hasmoved": "916", "hostunknown": "912", "mailboxfull": "922", "mailererror": "939",
	"mesgtoobig": "934", "networkerror": "944", "norelaying": "909", "notaccept": "932",
	"notcompliantrfc": "974", "onhold": "901", "policyviolation": "972", "rejected": "918",
	"requireptr": "973", "securityerror": "970", "spamdetected": "980", "speeding": "946",
	"suppressed": "903", "suspend": "921", "systemerror": "930", "systemfull": "931",
	"syntaxerror": "902", "toomanyconn": "945", "userunknown": "911", "undefined": "900",
	"virusdetected": "981",
}

// statusReason is what an enhanced status code alone says about the cause
// (RFC 3463 section 3 and the IANA registry of RFC 5248): the reason word
// for each code specific enough to have one.
var statusReason = map[string]string{
	"2.1.5": "delivered",
	"4.1.6": "hasmoved", "4.1.7": "rejected", "4.1.8": "rejected", "4.1.9": "systemerror",
	"4.2.1": "blocked", "4.2.2": "mailboxfull", "4.2.3": "exceedlimit", "4.2.4": "filtered",
	"4.3.1": "systemfull", "4.3.2": "notaccept", "4.3.3": "systemerror", "4.3.5": "systemerror",
	"4.4.1": "expired", "4.4.2": "networkerror", "4.4.3": "systemerror", "4.4.4": "networkerror",
	"4.4.5": "systemfull", "4.4.6": "networkerror", "4.4.7": "expired", "4.4.8": "networkerror",
	"4.5.3": "systemerror", "4.5.5": "systemerror",
	"4.6.0": "contenterror", "4.6.2": "contenterror", "4.6.5": "contenterror",
	"4.7.1": "blocked", "4.7.2": "blocked", "4.7.5": "securityerror", "4.7.6": "securityerror",
	"4.7.7": "securityerror", "4.7.12": "securityerror", "4.7.15": "securityerror",
	"4.7.16": "mesgtoobig", "4.7.24": "authfailure", "4.7.25": "requireptr", "4.7.26": "authfailure",
	"5.1.0": "userunknown", "5.1.1": "userunknown", "5.1.2": "hostunknown", "5.1.3": "userunknown",
	"5.1.4": "filtered", "5.1.6": "hasmoved", "5.1.7": "rejected", "5.1.8": "rejected",
	"5.1.9": "systemerror", "5.1.10": "notaccept",
	"5.2.0": "filtered", "5.2.1": "filtered", "5.2.2": "mailboxfull", "5.2.3": "exceedlimit",
	"5.2.4": "filtered",
	"5.3.0": "systemerror", "5.3.1": "systemfull", "5.3.2": "notaccept", "5.3.3": "systemerror",
	"5.3.4": "mesgtoobig", "5.3.5": "systemerror",
	"5.4.0": "networkerror", "5.4.3": "systemerror", "5.4.4": "hostunknown",
	"5.5.2": "syntaxerror", "5.5.3": "toomanyconn", "5.5.4": "systemerror", "5.5.5": "systemerror",
	"5.5.6": "syntaxerror",
	"5.6.0": "contenterror", "5.6.1": "contenterror", "5.6.2": "contenterror", "5.6.3": "contenterror",
	"5.6.5": "contenterror", "5.6.6": "contenterror", "5.6.7": "contenterror", "5.6.8": "contenterror",
	"5.6.9": "contenterror",
	"5.7.0": "securityerror", "5.7.1": "securityerror", "5.7.2": "securityerror", "5.7.3": "securityerror",
	"5.7.4": "securityerror", "5.7.5": "securityerror", "5.7.6": "securityerror", "5.7.7": "securityerror",
	"5.7.8": "securityerror", "5.7.9": "securityerror", "5.7.10": "securityerror", "5.7.11": "securityerror",
	"5.7.13": "suspend", "5.7.14": "securityerror", "5.7.15": "securityerror", "5.7.16": "mesgtoobig",
	"5.7.17": "hasmoved", "5.7.18": "hasmoved", "5.7.19": "securityerror", "5.7.20": "authfailure",
	"5.7.21": "authfailure", "5.7.22": "authfailure", "5.7.23": "authfailure", "5.7.24": "authfailure",
	"5.7.25": "requireptr", "5.7.26": "authfailure", "5.7.27": "notaccept", "5.7.28": "spamdetected",
	"5.7.29": "authfailure", "5.7.30": "failedstarttls",
}

// isTemporary tells whether a text holding a status or reply code, or
// saying so in words, reports a temporary failure.
func isTemporary(text string) bool {
	code := findStatus(text)
	if code == "" {
		code = findReply(text, "")
	}
	lower := strings.ToLower(text)
	return strings.HasPrefix(code, "4") || strings.Contains(lower, " temporar") || strings.Contains(lower, " persistent")
}

// isHard tells whether retrying cannot help, from the reason: an unknown
// user or host and a moved mailbox are permanent; a host that accepts no
// mail (null MX, RFC 7505) is permanent unless the text says temporary.
// Every other reason, mailbox full and policy blocks included, may clear up
// and is soft whatever the class of the code, as sisimai has it.
func isHard(reason, text string) bool {
	switch reason {
	case "userunknown", "hostunknown", "hasmoved":
		return true
	case "notaccept":
		if text == "" {
			return true
		}
		code := findStatus(text)
		if code == "" {
			code = findReply(text, "")
		}
		return strings.HasPrefix(code, "5") || !isTemporary(text)
	}
	return false
}

// replyCodeInt turns a three digit reply code into an int, 0 when none.
func replyCodeInt(code string) int {
	n, err := strconv.Atoi(code)
	if err != nil || n < 200 || n > 599 {
		return 0
	}
	return n
}
