package ticket

import (
	"fmt"
	"slices"
	"strings"
)

// Role is what a person is to the desk.
type Role string

// Roles.
const (
	RoleCustomer Role = "customer"
	RoleAgent    Role = "agent"
	RoleManager  Role = "manager" // an account or project manager (SEKO, Replica)
)

// ParseRole returns the Role named s, or an error naming the accepted values.
func ParseRole(s string) (Role, error) {
	if r := Role(s); slices.Contains([]Role{RoleCustomer, RoleAgent, RoleManager}, r) {
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (accepted: customer, agent, manager)", s)
}

// Languages are the languages the desk writes in.
var Languages = []string{"en", "de", "it", "nl"}

// User is a person the desk knows.
type User struct {
	Email string `json:"email" toml:"email"`
	Name  string `json:"name" toml:"name"`
	Org   string `json:"org" toml:"org"`
	Role  Role   `json:"role" toml:"role"`
	Lang  string `json:"lang" toml:"lang"`
	// Department is an agent's department: tickets of it tell them
	// (notify audience "department"); "" for none.
	Department string `json:"department" toml:"department"`
}

// Org is a customer organisation: its mail domains and its manager.
type Org struct {
	Name    string   `json:"name" toml:"name"`
	Domains []string `json:"domains" toml:"domains"`
	Manager string   `json:"manager" toml:"manager"`
}

// Check reports what is wrong with u, naming the field.
func (u User) Check() error {
	if strings.Count(u.Email, "@") != 1 || strings.ContainsAny(u.Email, " <>") {
		return fmt.Errorf("email %q is not an address", u.Email)
	}
	if _, err := ParseRole(string(u.Role)); err != nil {
		return fmt.Errorf("role: %w", err)
	}
	if u.Lang != "" && !slices.Contains(Languages, u.Lang) {
		return fmt.Errorf("lang %q is not one of %v", u.Lang, Languages)
	}
	return nil
}

// Check reports what is wrong with o, naming the field.
func (o Org) Check() error {
	if strings.TrimSpace(o.Name) == "" {
		return fmt.Errorf("name is empty")
	}
	for _, d := range o.Domains {
		if d == "" || strings.ContainsAny(d, "@ <>") || !strings.Contains(d, ".") {
			return fmt.Errorf("domain %q is not a mail domain", d)
		}
	}
	if o.Manager != "" && strings.Count(o.Manager, "@") != 1 {
		return fmt.Errorf("manager %q is not an address", o.Manager)
	}
	return nil
}

// Registration policies: who may open a ticket by mail.
const (
	RegistrationOpen       = "open"       // anyone
	RegistrationRegistered = "registered" // known users only (Replica, SERA)
	RegistrationDomains    = "domains"    // known users and anyone from a known organisation's domain
)

// MayOpen says whether sender may open a new ticket under policy; user is the
// sender's record and org the organisation of the sender's domain, each nil
// when unknown. The reason says why not, for the sender to read.
func MayOpen(policy, sender string, user *User, org *Org) (bool, string) {
	switch {
	case policy == RegistrationOpen || policy == "":
		return true, ""
	case user != nil:
		return true, ""
	case policy == RegistrationDomains && org != nil:
		return true, ""
	case policy == RegistrationDomains:
		return false, "<" + sender + "> is not a registered user and its domain belongs to no customer organisation of this desk"
	}
	return false, "<" + sender + "> is not a registered user of this desk"
}

// Domain returns the lower-case domain of an address, "" when there is none.
func Domain(addr string) string {
	_, d, ok := strings.Cut(strings.ToLower(addr), "@")
	if !ok {
		return ""
	}
	return d
}

// Participant policies: who may be added to a ticket besides its requester.
const (
	// ParticipantsAnyone adds anyone the requester copies or shares with.
	ParticipantsAnyone = "anyone"
	// ParticipantsOrganisation adds people of the requester's organisation
	// and that organisation's manager (Replica: "stessa Organizzazione o il
	// proprio capoprogetto").
	ParticipantsOrganisation = "organisation"
	// ParticipantsSameOrganisation adds people of the requester's
	// organisation only, not its manager.
	ParticipantsSameOrganisation = "same_organisation"
)

// ParticipantPolicies lists the participant policies a desk may name.
var ParticipantPolicies = []string{ParticipantsAnyone, ParticipantsOrganisation, ParticipantsSameOrganisation}

// IsStaff reports whether u works for the desk: an agent or a manager.
func IsStaff(u *User) bool {
	return u != nil && (u.Role == RoleAgent || u.Role == RoleManager)
}

// MayParticipate says whether candidate may take part in a ticket whose
// requester belongs to org (nil when unknown), under policy; user is the
// candidate's record, nil when unknown. The reason says why not.
//
// The desk's own staff (agents, managers) are never participants: they get
// a ticket's mail through the desk's notification matrix. A copied staff
// member is therefore kept out with an empty reason — not a refusal, and
// nothing for the history to record — except the requester organisation's
// own manager under ParticipantsOrganisation, who takes part as a customer
// contact.
func MayParticipate(policy string, org *Org, candidate string, user *User) (bool, string) {
	candidate = strings.ToLower(candidate)
	if policy == ParticipantsOrganisation && org != nil && strings.EqualFold(candidate, org.Manager) {
		return true, ""
	}
	if IsStaff(user) {
		return false, ""
	}
	if policy != ParticipantsOrganisation && policy != ParticipantsSameOrganisation {
		return true, ""
	}
	switch {
	case org == nil:
		return false, "the requester belongs to no known organisation, so only they take part"
	case user != nil && user.Org == org.Name:
		return true, ""
	case slices.Contains(org.Domains, Domain(candidate)):
		return true, ""
	case policy == ParticipantsSameOrganisation:
		return false, "<" + candidate + "> is not of " + org.Name + "; only people of the requester's organisation take part"
	}
	return false, "<" + candidate + "> is not of " + org.Name + " nor its manager"
}
