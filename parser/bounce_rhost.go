package parser

import (
	"regexp"
	"strconv"
	"strings"
)

// This file names the cause of a failure from the documented error codes
// and words of the big mailbox providers, when the remote host (or the
// recipient's domain) shows which provider refused the mail: their own
// codes ("LPN007_416", "IB607", "RCP-P2", "AUP#1350") say more than the
// generic words.

// providerHosts are host name endings of each provider's mail servers.
var providerHosts = []struct {
	name  string
	hosts []string
}{
	{"aol", []string{".mail.aol.com", ".mx.aol.com"}},
	{"cox", []string{"cox.net"}},
	{"facebook", []string{".facebook.com"}},
	{"franceptt", []string{".laposte.net", ".orange.fr", ".wanadoo.fr"}},
	{"godaddy", []string{"smtp.secureserver.net", "mailstore1.secureserver.net"}},
	{"gsuite", []string{"googlemail.com"}},
	{"kddi", []string{".ezweb.ne.jp", "msmx.au.com"}},
	{"messagelabs", []string{".messagelabs.com"}},
	{"microsoft", []string{".prod.outlook.com", ".protection.outlook.com", ".onmicrosoft.com", ".exchangelabs.com"}},
	{"outlook", []string{".hotmail.com"}},
	{"spectrum", []string{"charter.net"}},
	{"yahooinc", []string{".yahoodns.net"}},
}

// provider returns the provider that refused the mail: the one whose
// servers the recipient's domain names, else the one of a host the report
// names (Remote-MTA, the diagnostic, the Received fields), "" when none.
func (m *bounceMail) provider(f failure) string {
	if _, domain, ok := strings.Cut(f.recipient, "@"); ok && domain != "" {
		for _, p := range providerHosts {
			for _, h := range p.hosts {
				if strings.HasSuffix(h, domain) {
					return p.name
				}
			}
		}
	}
	hosts := []string{f.rhost}
	hosts = append(hosts, hostName.FindAllString(f.diag, -1)...)
	for _, r := range m.header.Values("Received") {
		hosts = append(hosts, hostName.FindAllString(r, -1)...)
	}
	for _, host := range hosts {
		host = strings.ToLower(strings.TrimSuffix(host, "."))
		for _, p := range providerHosts {
			for _, h := range p.hosts {
				if host != "" && strings.HasSuffix(host, h) {
					return p.name
				}
			}
		}
	}
	return ""
}

// hostName matches a fully qualified host name.
var hostName = regexp.MustCompile(`[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+\.[A-Za-z]{2,}`)

// providerPhrases are each provider's words (lower case) and their reasons.
var providerPhrases = map[string][]reasonText{
	"aol": {
		{"hostunknown", "host or domain name not found"},
		{"notaccept", "type=mx: malformed or unexpected name server reply"},
	},
	"cox": {
		{"blocked", "cox too many bad commands from"}, {"blocked", "too many invalid recipients"},
		{"requireptr", "dns check failure - try again later"}, {"requireptr", "rejected - no rdns"},
		{"policyviolation", "esmtp no data before greeting"}, {"policyviolation", "attachment extension is forbidden"},
		{"rejected", "sender rejected"}, {"systemerror", "esmtp server temporarily not available"},
		{"toomanyconn", "too many sessions from"}, {"toomanyconn", "requested action aborted: try again later"},
		{"toomanyconn", "message threshold exceeded"}, {"userunknown", "recipient rejected"},
	},
	"godaddy": {
		{"blocked", "rbl reject"}, {"blocked", "www.spamhaus.org/query/bl?ip="},
		{"expired", "has been in the queue too long"}, {"expired", "delivery timeout"},
		{"mailboxfull", "account storage limit"}, {"spamdetected", "message rejected for spam or virus content"},
		{"suspend", "account disabled"}, {"systemerror", "message is looping"},
		{"userunknown", "recipient not found"}, {"userunknown", "account does not exist"},
	},
	"kddi": {
		{"filtered", "550 : user unknown"},
		{"userunknown", ">: user unknown"},
	},
	"messagelabs": {
		{"authfailure", "domain authentication fail"}, {"badreputation", "connection rejected by policy"},
		{"blocked", "mail rejected because your ip is in the pbl"}, {"blocked", "your ip address has been "},
		{"contenterror", "stray linefeeds in message"}, {"failedstarttls", "tls/sslv3 connection required"},
		{"norelaying", " as a relay, "}, {"notcompliantrfc", "has detected that this message is not rfc 5322"},
		{"rejected", "sender envelope domain not allowed for sender ip address"},
		{"rejected", "your domain has been blocked"}, {"rejected", "your email address has been blocked"},
		{"rejected", "your envelope sender is in my badmailfrom list"}, {"rejected", "has been blacklisted"},
		{"spamdetected", "message filtered"}, {"toomanyconn", "too many recipients received this hour"},
		{"userunknown", "no such user"}, {"userunknown", "invalid recipient"}, {"userunknown", "mailbox is not allowed"},
		{"userunknown", " rejected"},
	},
	"microsoft": {
		{"userunknown", "recipient not found by smtp address lookup"},
		{"userunknown", "resolver.adr.recipientnotfound"},
		{"userunknown", "resolver.adr.recipnotfound"},
		{"userunknown", "resolver.adr.exrecipnotfound"},
		{"mailboxfull", "mailbox full"},
		{"mailboxfull", "mailbox has exceeded the maximum size limit"},
		{"mesgtoobig", "message too large for this recipient"},
		{"hostunknown", "smtpsend.dns.nonexistentdomain; nonexistent domain"},
		{"networkerror", "hop count exceeded - possible mail loop"},
		{"norelaying", "unable to relay"},
		{"rejected", "sender denied"},
		{"authfailure", "does not pass dmarc verification"},
		{"authfailure", "doesn't meet the required authentication level"},
		{"blocked", "access denied, banned sending ip "},
		{"blocked", "part of their network is on our block list (s3150)"},
	},
	"outlook": {
		{"hostunknown", "the mail could not be delivered to the recipient because the domain is not reachable"},
		{"userunknown", "requested action not taken: mailbox unavailable"},
	},
	"yahooinc": {
		{"authfailure", "yahoo requires all senders to authenticate with either spf or dkim"},
		{"blocked", " because the ip is in spamhaus's list;"}, {"blocked", "not accepted from ip addresses on spamhaus xbl"},
		{"norelaying", "relaying denied for "}, {"notcompliantrfc", "headers are not rfc compliant"},
		{"policyviolation", "not accepted for policy reasons"},
		{"rejected", "temporarily deferred due to unexpected volume or user complaints"},
		{"rejected", " will be permanently deferred"}, {"speeding", "user is receiving mail too quickly"},
		{"suspend", " is no longer valid."}, {"suspend", "this mailbox is disabled"},
		{"syntaxerror", "syntax error in parameters or arguments"}, {"toomanyconn", "max message per connection reached"},
		{"userunknown", "dd this user doesn't have a "}, {"userunknown", "mailbox not found"},
	},
	"gsuite": {
		{"userunknown", "because the address couldn't be found. check for typos or unnecessary spaces and try again."},
		{"notaccept", "null mx"},
	},
}

// providerCodes are the providers' own error codes.
var franceCodes = map[string]string{
	"101": "blocked", "102": "blocked", "103": "blocked", "104": "toomanyconn", "305": "securityerror",
	"401": "authfailure", "402": "securityerror", "403": "rejected", "405": "rejected", "415": "rejected",
	"416": "userunknown", "417": "mailboxfull", "420": "suspend", "421": "rejected", "426": "suspend",
	"505": "systemerror", "506": "spamdetected", "510": "blocked", "514": "mesgtoobig", "517": "authfailure",
	"630": "policyviolation", "999": "blocked",
}

var goDaddyCodes = map[string]string{
	"IB401": "securityerror", "IB501": "notcompliantrfc", "IB502": "notcompliantrfc", "IB506": "rejected",
	"IB508": "authfailure", "IB108": "requireptr", "IB212": "spamdetected", "IB705": "virusdetected",
	"IB605": "toomanyconn", "IB007": "toomanyconn", "IB101": "speeding", "IB110": "blocked", "IB111": "blocked",
	"IB112": "blocked", "IB113": "blocked", "IB504": "speeding", "IB510": "speeding", "IB607": "speeding",
	"IB103": "badreputation", "IB104": "blocked", "IB105": "blocked", "IB106": "blocked",
}

var facebookCodes = map[string]string{
	"POL-P7": "authfailure", "POL-P1": "blocked", "POL-P2": "blocked", "POL-P3": "blocked", "POL-P4": "blocked",
	"POL-T1": "blocked", "POL-T2": "blocked", "POL-T3": "blocked", "MSG-P2": "contenterror", "RCP-P2": "filtered",
	"RCP-P3": "filtered", "MSG-P1": "mesgtoobig", "INT-P2": "mesgtoobig", "MSG-P3": "notcompliantrfc",
	"DNS-P1": "rejected", "DNS-P2": "rejected", "DNS-T1": "rejected", "DNS-P3": "requireptr", "DNS-T2": "requireptr",
	"POL-P6": "spamdetected", "RCP-T4": "suspend", "RCP-T1": "systemerror", "CON-T1": "toomanyconn",
	"CON-T2": "toomanyconn", "CON-T3": "toomanyconn", "CON-T4": "toomanyconn", "MSG-T1": "toomanyconn",
	"RCP-P1": "userunknown", "INT-P1": "userunknown", "INT-P3": "userunknown", "INT-P4": "userunknown",
	"POL-P5": "virusdetected",
}

// spectrumCodes are Charter/Spectrum's "AUP#" code ranges.
var spectrumCodes = []struct {
	from, to int
	reason   string
}{
	{1000, 1000, "blocked"}, {1010, 1010, "rejected"}, {1020, 1080, "rejected"}, {1090, 1090, "systemerror"},
	{1100, 1150, "requireptr"}, {1160, 1190, "policyviolation"}, {1200, 1210, "blocked"}, {1220, 1250, "blocked"},
	{1260, 1260, "networkerror"}, {1300, 1340, "toomanyconn"}, {1350, 1490, "speeding"}, {1500, 1500, "rejected"},
	{1520, 1520, "rejected"}, {1530, 1530, "mesgtoobig"}, {1540, 1540, "speeding"}, {1550, 1550, "speeding"},
	{1560, 1560, "policyviolation"}, {1580, 1580, "speeding"},
}

var (
	franceLabel   = regexp.MustCompile(`(?i)(?:lpn|lpnaaa|ofr|ouk)[-_]?[0-9]*[-_]?([0-9]{3})\b`)
	goDaddyLabel  = regexp.MustCompile(`\s(IB[0-9]{3})\b`)
	facebookLabel = regexp.MustCompile(`\b([A-Z]{3}-[PT][0-9])\b`)
	spectrumLabel = regexp.MustCompile(`AUP#[^0-9]*([0-9]{4})`)
)

// providerReason returns the reason the provider's code or words give,
// "" when they give none.
func (m *bounceMail) providerReason(f failure) string {
	if f.diag == "" {
		return ""
	}
	name := m.provider(f)
	diag := f.diag
	switch name {
	case "franceptt":
		if c := franceLabel.FindStringSubmatch(diag); c != nil && franceCodes[c[1]] != "" {
			return franceCodes[c[1]]
		}
		if strings.Contains(strings.ToLower(diag), "spf/dns de votre nom de domaine") {
			return "authfailure"
		}
		return ""
	case "godaddy":
		if c := goDaddyLabel.FindStringSubmatch(diag); c != nil && goDaddyCodes[c[1]] != "" {
			return goDaddyCodes[c[1]]
		}
	case "facebook":
		if c := facebookLabel.FindStringSubmatch(diag); c != nil {
			return facebookCodes[c[1]]
		}
		return ""
	case "spectrum":
		if c := spectrumLabel.FindStringSubmatch(diag); c != nil {
			n, _ := strconv.Atoi(c[1])
			for _, r := range spectrumCodes {
				if n >= r.from && n <= r.to {
					return r.reason
				}
			}
		}
		return ""
	}
	lower := strings.ToLower(diag)
	for _, p := range providerPhrases[name] {
		if strings.Contains(lower, p.text) {
			return p.reason
		}
	}
	return ""
}
