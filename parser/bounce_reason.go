package parser

import (
	"strconv"
	"strings"
)

// This file names the cause of a failure in one word, from the status code,
// the SMTP command that failed and the words of the diagnostic. The words
// and their precedence follow sisimai (github.com/sisimai, BSD 2-Clause),
// the yardstick for bounce reading, so that the hard/soft verdict and the
// codes of reasons without a status agree with it; the phrases are those
// of real notices.

// firstReasons is the order of the first pass, in which a reason applies
// when the status code names it or its words are in the diagnostic (with
// the conditions of probeReason). Causes that pin the failure down come
// before the general ones: a full mailbox that is also "rejected" is full.
var firstReasons = []string{
	"mailboxfull", "mesgtoobig", "exceedlimit", "suspend", "hasmoved", "norelaying",
	"authfailure", "userunknown", "filtered", "requireptr", "notcompliantrfc",
	"badreputation", "contenterror", "rejected", "hostunknown", "spamdetected",
	"speeding", "toomanyconn", "blocked",
}

// laterReasons is the order of the words tried when the status code names
// no reason, or only a vague one, and the first pass found none.
var laterReasons = []string{
	"mailboxfull", "authfailure", "badreputation", "speeding", "spamdetected", "virusdetected",
	"policyviolation", "norelaying", "systemerror", "networkerror", "suspend", "contenterror",
	"systemfull", "notaccept", "expired", "failedstarttls", "securityerror", "suppressed",
	"mailererror",
}

// vagueReasons are reasons that a format or a status code may give but
// that the words of the diagnostic can still sharpen.
var vagueReasons = map[string]bool{
	"": true, "undefined": true, "onhold": true, "systemerror": true, "securityerror": true,
	"expired": true, "networkerror": true, "hostunknown": true, "userunknown": true,
}

// beforeData are the commands of a session before the message is sent: a
// refusal there cannot be about the content (RFC 5321 section 3.3).
var beforeData = map[string]bool{"CONN": true, "EHLO": true, "HELO": true, "MAIL": true, "RCPT": true}

// hasPhrase tells whether text (lower case) holds one of reason's phrases.
// A phrase with "*" matches when its parts stand in that order.
func hasPhrase(reason, text string) bool {
	if text == "" {
		return false
	}
	if reason == "rejected" {
		for _, p := range notRejectedPhrases {
			if strings.Contains(text, p) {
				return false
			}
		}
	}
	for _, p := range reasonPhrases[reason] {
		if containsPhrase(text, p) {
			return true
		}
	}
	return false
}

// containsPhrase tells whether text holds phrase, its "*"-separated parts
// in order.
func containsPhrase(text, phrase string) bool {
	if !strings.Contains(phrase, "*") {
		return strings.Contains(text, phrase)
	}
	for _, part := range strings.Split(phrase, "*") {
		i := strings.Index(text, part)
		if i < 0 {
			return false
		}
		text = text[i+len(part):]
	}
	return true
}

// probeReason tells whether a failure is of reason r in the first pass.
func probeReason(r string, f failure, byStatus, text string) bool {
	if f.reason == r && (r != "spamdetected" || f.status != "") {
		return true // what the format said, unless a cause before it fits
	}
	switch r {
	case "userunknown":
		// A 5.1.1 is an unknown user unless the words say otherwise; the
		// words alone count only when the server refused the recipient.
		if byStatus == r {
			for _, other := range []string{"norelaying", "blocked", "mailboxfull", "hasmoved", "rejected", "notaccept"} {
				if hasPhrase(other, text) {
					return false
				}
			}
			return true
		}
		return f.command == "RCPT" && hasPhrase(r, text)
	case "filtered":
		if byStatus == r {
			return hasPhrase("userunknown", text) || hasPhrase(r, text)
		}
		if beforeData[f.command] {
			return false
		}
		return hasPhrase(r, text) || hasPhrase("userunknown", text)
	case "mesgtoobig":
		if byStatus == r {
			return true
		}
		if byStatus == "exceedlimit" || f.status == "5.2.3" {
			return false
		}
		return hasPhrase(r, text)
	case "suspend":
		return f.reply == "525" || hasPhrase(r, text)
	case "hasmoved", "notcompliantrfc":
		return hasPhrase(r, text)
	case "norelaying":
		return f.command != "CONN" && f.command != "EHLO" && f.command != "HELO" && hasPhrase(r, text)
	case "contenterror":
		if probeReason("spamdetected", f, byStatus, text) {
			return false
		}
		return byStatus == r || hasPhrase(r, text)
	case "rejected":
		if byStatus == r {
			return true
		}
		switch {
		case f.command == "MAIL":
		case f.command == "DATA" && byStatus != "userunknown":
		case byStatus == "" || byStatus == "onhold" || byStatus == "undefined" || byStatus == "securityerror" || byStatus == "systemerror":
		default:
			return false
		}
		return hasPhrase(r, text)
	case "hostunknown":
		if byStatus == r {
			return !hasPhrase("networkerror", text)
		}
		return hasPhrase(r, text)
	case "spamdetected":
		if f.status == "" {
			return false
		}
		if byStatus == r {
			return true
		}
		return !beforeData[f.command] && hasPhrase(r, text)
	}
	return byStatus == r || hasPhrase(r, text)
}

// findReason names the cause of a failure: the reason its format states,
// else the first of firstReasons that fits, else the words of
// laterReasons, the status code, its class and what the MTA was doing.
func findReason(f failure) string {
	if !vagueReasons[f.reason] {
		return f.reason
	}
	if strings.HasPrefix(f.status, "2.") {
		return "delivered"
	}
	text := strings.ToLower(f.diag)
	byStatus := statusReason[f.status]
	spec := strings.ToLower(f.spec)
	if spec == "" {
		spec = "smtp"
	}
	if spec == "smtp" {
		for _, r := range firstReasons {
			if probeReason(r, f, byStatus, text) {
				return r
			}
		}
	}
	if vagueReasons[byStatus] || spec != "smtp" {
		if f.reason != "" && f.reason != "undefined" && f.reason != "onhold" {
			return f.reason
		}
		for _, r := range laterReasons {
			if hasPhrase(r, text) {
				return r
			}
		}
		if byStatus != "" {
			return byStatus
		}
		if len(f.status) > 3 {
			switch f.status[:3] {
			case "5.6", "4.6":
				return "contenterror"
			case "5.7", "4.7":
				return "securityerror"
			}
		}
		if strings.HasPrefix(spec, "x-unix") {
			return "mailererror"
		}
		if reply, err := strconv.Atoi(f.reply); err == nil && (reply > 400 && reply < 408 || reply > 500 && reply < 508) {
			return "syntaxerror"
		}
		switch {
		case f.action == "delayed" || f.action == "expired":
			return "expired"
		case f.command == "HELO" || f.command == "EHLO":
			return "blocked"
		}
	}
	if byStatus != "" {
		return byStatus
	}
	if f.reason != "" && f.reason != "undefined" && f.reason != "onhold" {
		return f.reason
	}
	if f.action == "delayed" {
		return "expired"
	}
	if text != "" {
		return "onhold"
	}
	return "undefined"
}
