package parser

import (
	"encoding/json"
	"strings"
)

// This file reads the notices of providers whose form no general rule
// covers: Amazon SES notifications in JSON, Google Groups and Google
// Workspace rejections.

// vendorFormats are tried in order before the general text rules. Each
// returns claimed=false when the mail is not its form; a form may claim a
// mail and return no failure (an Amazon SES delivery notification).
var vendorFormats = []func(m *bounceMail) (fs []failure, claimed bool){
	(*bounceMail).amazonSESNotification,
	(*bounceMail).googleGroups,
}

// sesNotification is the JSON Amazon SES sends through SNS (or as an
// email feedback notification) about one mail: notificationType (or
// eventType) Bounce, Complaint or Delivery.
type sesNotification struct {
	NotificationType string `json:"notificationType"`
	EventType        string `json:"eventType"`
	Bounce           struct {
		BounceType        string `json:"bounceType"`
		BouncedRecipients []struct {
			EmailAddress   string `json:"emailAddress"`
			Action         string `json:"action"`
			Status         string `json:"status"`
			DiagnosticCode string `json:"diagnosticCode"`
		} `json:"bouncedRecipients"`
	} `json:"bounce"`
	Complaint struct {
		ComplainedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"complainedRecipients"`
	} `json:"complaint"`
}

// amazonSESNotification reads an Amazon SES notification: the JSON object
// itself or an SNS envelope whose "Message" holds it.
func (m *bounceMail) amazonSESNotification() ([]failure, bool) {
	body := strings.TrimSpace(m.text)
	if !strings.HasPrefix(body, "{") || !strings.Contains(body, "notificationType") && !strings.Contains(body, "eventType") {
		return nil, false
	}
	// The SNS footer follows the JSON: decode the first value only.
	// Sendmail breaks lines longer than 990 characters with "!", a line
	// end and a space; such a break inside a JSON string is undone.
	var envelope struct {
		Message string `json:"Message"`
		sesNotification
	}
	if err := json.NewDecoder(strings.NewReader(body)).Decode(&envelope); err != nil {
		body = strings.ReplaceAll(body, "!\n ", "")
		if err := json.NewDecoder(strings.NewReader(body)).Decode(&envelope); err != nil {
			return nil, false
		}
	}
	n := envelope.sesNotification
	if envelope.Message != "" {
		if err := json.Unmarshal([]byte(envelope.Message), &n); err != nil {
			return nil, false
		}
	}
	kind := n.NotificationType
	if kind == "" {
		kind = n.EventType
	}
	var out []failure
	switch kind {
	case "Bounce":
		for _, r := range n.Bounce.BouncedRecipients {
			f := failure{recipient: r.EmailAddress, status: findStatusField(r.Status), action: r.Action}
			f.spec, f.diag = splitTyped(r.DiagnosticCode)
			out = append(out, f)
		}
	case "Complaint":
		for _, r := range n.Complaint.ComplainedRecipients {
			out = append(out, failure{recipient: r.EmailAddress, reason: "feedback"})
		}
	case "Delivery":
		// A report that the mail arrived: nothing failed.
	default:
		return nil, false
	}
	return out, true
}

// googleGroups reads the notices Google sends when a post to a group is
// refused ("the group you tried to contact may not exist, or you may not
// have permission to post messages to the group", in the sender's
// language) and when Gmail refuses to send from a misconfigured "Send mail
// as" address. Both name the recipient only in X-Failed-Recipients.
func (m *bounceMail) googleGroups() ([]failure, bool) {
	if !strings.HasSuffix(m.from, "@googlemail.com") && !strings.HasSuffix(m.from, "@google.com") {
		return nil, false
	}
	failed := m.header.Values("X-Failed-Recipients")
	if len(failed) == 0 {
		return nil, false
	}
	text := strings.Join(m.texts(), "\n")
	lower := strings.ToLower(text)
	groups := strings.Contains(text, "Google Groups") || strings.Contains(lower, "groups.google.com")
	sendAs := strings.Contains(lower, "send mail as")
	if !groups && !sendAs {
		return nil, false
	}
	notice := cutOriginal(text)
	var out []failure
	for _, v := range failed {
		for _, a := range strings.Split(v, ",") {
			out = append(out, failure{recipient: a, diag: notice, reason: "rejected"})
		}
	}
	return out, true
}
