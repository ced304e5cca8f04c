package gateway

import (
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"postdesk/parser"
	"postdesk/ticket"
)

// Config is postdesk's whole configuration. DefaultConfig gives a working
// desk; a TOML file (LoadConfig) and flags (Overrides) change parts of it.
// Every key is documented in README.md.
type Config struct {
	Desk     DeskConfig     `toml:"desk"`
	SMTP     SMTPConfig     `toml:"smtp"`
	Database DatabaseConfig `toml:"database"`
	Relay    RelayConfig    `toml:"relay"`
	Outbox   OutboxConfig   `toml:"outbox"`
	Notify   NotifyConfig   `toml:"notify"`
	Bounces  BouncesConfig  `toml:"bounces"`
	// Users and Orgs are loaded into the database at start; more can be
	// added while the desk runs (postdesk users add, postdesk orgs add).
	Users []ticket.User `toml:"users"`
	Orgs  []ticket.Org  `toml:"orgs"`
	// Calendars, SLA, Escalation and OfficeHours are the time-driven rules
	// (configtime.go).
	Calendars   []CalendarConfig  `toml:"calendars"`
	SLA         SLAConfig         `toml:"sla"`
	Escalation  []EscalationRule  `toml:"escalation"`
	OfficeHours OfficeHoursConfig `toml:"office_hours"`
}

// DeskConfig describes the support desk.
type DeskConfig struct {
	Name            string `toml:"name"`
	Domain          string `toml:"domain"`
	Address         string `toml:"address"` // default support@<domain>
	Prefix          string `toml:"prefix"`
	DefaultSeverity int    `toml:"default_severity"`
	DefaultPriority string `toml:"default_priority"`
	Language        string `toml:"language"`
	// Form names a shipped form ("seko", "semco", "sera"), or "" for none.
	Form string `toml:"form"`
	// Fields is the desk's own form; it replaces Form when set.
	Fields []parser.FieldSpec `toml:"fields"`
	// Reopen is what an answer to a closed ticket does: "reopen" it, or
	// open a "new_ticket" linked to it; ReopenWindowDays (0: no limit) is
	// how long after closing a reopening desk still reopens.
	Reopen           string `toml:"reopen"`
	ReopenWindowDays int    `toml:"reopen_window_days"`
	// Registration is who may open a ticket by mail: "open" (anyone),
	// "registered" (known users) or "domains" (known users and anyone from
	// a known organisation's domain). RegistrationHelp tells a refused
	// sender how to register.
	Registration     string `toml:"registration"`
	RegistrationHelp string `toml:"registration_help"`
	// Participants is who may take part in a ticket: "anyone",
	// "organisation" (the requester's organisation and its manager) or
	// "same_organisation" (the organisation only). The desk's staff are
	// never participants (ticket.MayParticipate).
	// CCParticipants makes the addresses copied on a new ticket
	// participants, as far as Participants allows (SERA: CC a key user).
	Participants   string `toml:"participants"`
	CCParticipants bool   `toml:"cc_participants"`
	// MaxSeverity is the highest severity the desk uses (SEKO: 3); a subject
	// naming a higher one gets default_severity.
	MaxSeverity int `toml:"max_severity"`
	// Priorities, Categories and Departments are the values the desk takes
	// from its form's priority (or urgency), category and department
	// fields; empty takes any.
	Priorities  []string `toml:"priorities"`
	Categories  []string `toml:"categories"`
	Departments []string `toml:"departments"`
	// ReplySecret keys the reply tokens of per-recipient reply addresses
	// (at least 16 characters); "" lets the desk generate one into its
	// database on first start. SubaddressDelimiter separates the token part:
	// "support+TKT-12.<token>@domain" (RFC 5233).
	ReplySecret         string `toml:"reply_secret"`
	SubaddressDelimiter string `toml:"subaddress_delimiter"`
	// ControlAddress takes mail of commands for several tickets
	// ("#ticket TKT-12" selects, "#thanks" ends), debbugs style; "" means
	// control@<domain>.
	ControlAddress string `toml:"control_address"`
	// CommandLanguages are the languages whose words the desk accepts for
	// mail commands besides English ("#erledigt", "#risolto").
	CommandLanguages []string `toml:"command_languages"`
	// Strangers is what a mail that names a ticket (in its subject or
	// headers) does when its sender is not allowed on that ticket:
	// "new_ticket" opens a new one, "refuse" refuses it with 550.
	Strangers string `toml:"strangers"`
	// TrustedAuthservIDs are the authserv-ids (RFC 8601) of the MTAs in
	// front of the desk whose Authentication-Results header is believed;
	// such an MTA must remove headers of that name arriving from outside.
	TrustedAuthservIDs []string `toml:"trusted_authserv_ids"`
	// StatusWords are the desk's own words for states, by language and
	// then state, in the mail customers read ([desk.status_words.en]
	// waiting_customer = "on hold"); states not named keep the shipped
	// words.
	StatusWords map[string]map[string]string `toml:"status_words"`
}

// FormFields is the form the desk reads from mail: Fields, else the shipped
// form named by Form, else none.
func (d DeskConfig) FormFields() []parser.FieldSpec {
	if len(d.Fields) > 0 {
		return d.Fields
	}
	spec, _ := parser.FieldList(d.Form)
	return spec
}

// SMTPConfig is the inbound SMTP server.
type SMTPConfig struct {
	Listen          string        `toml:"listen"`
	Hostname        string        `toml:"hostname"` // greeting name, default the desk domain
	MaxMessageBytes int64         `toml:"max_message_bytes"`
	MaxRecipients   int           `toml:"max_recipients"`
	ReadTimeout     time.Duration `toml:"read_timeout"`
	WriteTimeout    time.Duration `toml:"write_timeout"`
	// SubmissionListen, when set, is a second listener where agents submit
	// command mail with SMTP AUTH (RFC 4954), offered only after STARTTLS
	// (RFC 3207) with the certificate in TLSCert and TLSKey (PEM files).
	SubmissionListen string `toml:"submission_listen"`
	TLSCert          string `toml:"tls_cert"`
	TLSKey           string `toml:"tls_key"`
}

// DatabaseConfig is the SQLite file.
type DatabaseConfig struct {
	Path        string `toml:"path"`
	Synchronous string `toml:"synchronous"`
}

// RelayConfig is where outbound mail goes. An empty Host means no relay: mail
// waits in the outbox.
type RelayConfig struct {
	Host     string        `toml:"host"`
	Port     int           `toml:"port"`
	TLS      string        `toml:"tls"` // "none", "starttls" or "tls"
	Username string        `toml:"username"`
	Password string        `toml:"password"`
	HELO     string        `toml:"helo"`
	Timeout  time.Duration `toml:"timeout"`
}

// OutboxConfig tunes the outbox worker.
type OutboxConfig struct {
	// MaxAge is how long a mail is retried after temporary failures.
	MaxAge time.Duration `toml:"max_age"`
	// RetryMin is the first retry delay; each further one doubles, with jitter.
	RetryMin time.Duration `toml:"retry_min"`
	// RetryMax caps the retry delay.
	RetryMax time.Duration `toml:"retry_max"`
}

// DefaultConfig is the desk `postdesk serve` runs with no file and no flags.
func DefaultConfig() Config {
	return Config{
		Desk: DeskConfig{Name: "postdesk", Domain: "localhost", Prefix: "TKT", DefaultSeverity: 3,
			DefaultPriority: "normal", Language: "en", Fields: []parser.FieldSpec{}, Reopen: ticket.ReopenTicket,
			Registration: ticket.RegistrationOpen, Participants: ticket.ParticipantsAnyone, CCParticipants: true,
			MaxSeverity: 9, Priorities: []string{}, Categories: []string{}, Departments: []string{},
			SubaddressDelimiter: "+", CommandLanguages: []string{"en"}, Strangers: StrangersNewTicket,
			TrustedAuthservIDs: []string{}, StatusWords: map[string]map[string]string{}},
		SMTP: SMTPConfig{Listen: "127.0.0.1:2525", MaxMessageBytes: 25 << 20, MaxRecipients: 50,
			ReadTimeout: 5 * time.Minute, WriteTimeout: time.Minute},
		Database:  DatabaseConfig{Path: "postdesk.db", Synchronous: "FULL"},
		Relay:     RelayConfig{Port: 25, TLS: "none", Timeout: 30 * time.Second},
		Outbox:    OutboxConfig{MaxAge: 5 * 24 * time.Hour, RetryMin: time.Minute, RetryMax: time.Hour},
		Notify:    defaultNotify(),
		Bounces:   defaultBounces(),
		Users:     []ticket.User{},
		Orgs:      []ticket.Org{},
		Calendars: []CalendarConfig{}, SLA: SLAConfig{Targets: []TargetConfig{}}, Escalation: []EscalationRule{},
		OfficeHours: OfficeHoursConfig{UrgentSeverities: []int{}, UrgentPriorities: []string{}, OnCall: []string{}},
	}
}

// LoadConfig reads a TOML file over the defaults and validates the result.
// An unknown key is an error that names it.
func LoadConfig(path string) (Config, error) {
	cfg := DefaultConfig()
	if path == "" {
		return cfg, cfg.Validate()
	}
	md, err := toml.DecodeFile(path, &cfg)
	if err != nil {
		return cfg, decodeError(path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return cfg, unknownKeyError(path, und)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// Overrides are the settings flags may change; empty ones change nothing.
type Overrides struct {
	Listen string // --listen ADDR
	DB     string // --db PATH
	Relay  string // --relay HOST:PORT
	Domain string // --domain NAME
}

// Apply writes o over cfg and validates the result.
func (o Overrides) Apply(cfg *Config) error {
	if o.Listen != "" {
		cfg.SMTP.Listen = o.Listen
	}
	if o.DB != "" {
		cfg.Database.Path = o.DB
	}
	if o.Domain != "" {
		cfg.Desk.Domain = o.Domain
	}
	if o.Relay != "" {
		host, port, err := net.SplitHostPort(o.Relay)
		if err != nil {
			return fmt.Errorf("--relay %q: want HOST:PORT", o.Relay)
		}
		p, err := strconv.Atoi(port)
		if err != nil {
			return fmt.Errorf("--relay %q: port must be a number", o.Relay)
		}
		cfg.Relay.Host, cfg.Relay.Port = host, p
	}
	return cfg.Validate()
}

// What a stranger's mail naming a ticket does (DeskConfig.Strangers).
const (
	StrangersNewTicket = "new_ticket"
	StrangersRefuse    = "refuse"
)

// ControlAddress is the address for command mail: desk.control_address, or
// control@<desk.domain>.
func (c Config) ControlAddress() string {
	if c.Desk.ControlAddress != "" {
		return strings.ToLower(c.Desk.ControlAddress)
	}
	return "control@" + strings.ToLower(c.Desk.Domain)
}

// DeskAddress is the support address: desk.address, or support@<desk.domain>.
func (c Config) DeskAddress() string {
	if c.Desk.Address != "" {
		return strings.ToLower(c.Desk.Address)
	}
	return "support@" + strings.ToLower(c.Desk.Domain)
}

// TicketDesk is the desk policy the ticket rules take.
func (c Config) TicketDesk() ticket.Desk {
	return ticket.Desk{Prefix: c.Desk.Prefix, Address: c.DeskAddress(), Others: []string{c.ControlAddress(), c.BounceAddress()},
		DefaultSeverity: c.Desk.DefaultSeverity, DefaultPriority: c.Desk.DefaultPriority,
		Reopen:  ticket.ReopenPolicy{Mode: c.Desk.Reopen, WindowDays: c.Desk.ReopenWindowDays},
		Intents: ticket.DefaultIntents, MaxSeverity: c.Desk.MaxSeverity, Priorities: c.Desk.Priorities,
		Categories: c.Desk.Categories, Departments: c.Desk.Departments}
}

// Validate checks every setting and names the key of each one that is wrong.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{key}, args...)...))
	}
	if c.Desk.Domain == "" || strings.ContainsAny(c.Desk.Domain, " @<>") {
		bad("desk.domain", "%q is not a domain name", c.Desk.Domain)
	}
	if a := c.DeskAddress(); strings.Count(a, "@") != 1 || strings.ContainsAny(a, " <>+") {
		bad("desk.address", "%q is not a plain address like support@example.com", a)
	}
	if c.Desk.Prefix == "" || strings.Trim(c.Desk.Prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
		bad("desk.prefix", "%q must be upper-case letters and digits, like TKT", c.Desk.Prefix)
	}
	if c.Desk.MaxSeverity < 1 || c.Desk.MaxSeverity > 9 {
		bad("desk.max_severity", "%d must be 1 to 9", c.Desk.MaxSeverity)
	}
	if c.Desk.DefaultSeverity < 1 || c.Desk.DefaultSeverity > max(c.Desk.MaxSeverity, 1) {
		bad("desk.default_severity", "%d must be 1 to desk.max_severity (%d)", c.Desk.DefaultSeverity, c.Desk.MaxSeverity)
	}
	if len(c.Desk.Priorities) > 0 && !slices.Contains(c.Desk.Priorities, c.Desk.DefaultPriority) {
		bad("desk.default_priority", "%q is not one of desk.priorities %v", c.Desk.DefaultPriority, c.Desk.Priorities)
	}
	if _, ok := parser.FieldList(c.Desk.Form); c.Desk.Form != "" && !ok {
		bad("desk.form", "%q is not a shipped form (seko, semco, sera)", c.Desk.Form)
	}
	if len(c.Desk.Fields) > 0 {
		if err := parser.CheckFields(c.Desk.Fields); err != nil {
			bad("desk.fields", "%v", err)
		}
	}
	if c.Desk.Reopen != ticket.ReopenTicket && c.Desk.Reopen != ticket.NewLinked {
		bad("desk.reopen", "%q must be %q or %q", c.Desk.Reopen, ticket.ReopenTicket, ticket.NewLinked)
	}
	switch c.Desk.Registration {
	case ticket.RegistrationOpen, ticket.RegistrationRegistered, ticket.RegistrationDomains:
	default:
		bad("desk.registration", "%q must be open, registered or domains", c.Desk.Registration)
	}
	if !slices.Contains(ticket.ParticipantPolicies, c.Desk.Participants) {
		bad("desk.participants", "%q must be one of %s (organisation: the requester's organisation and its manager; "+
			"same_organisation: the organisation only)", c.Desk.Participants, strings.Join(ticket.ParticipantPolicies, ", "))
	}
	for i, u := range c.Users {
		if err := u.Check(); err != nil {
			bad(fmt.Sprintf("users[%d]", i), "%v", err)
		}
	}
	for i, o := range c.Orgs {
		if err := o.Check(); err != nil {
			bad(fmt.Sprintf("orgs[%d]", i), "%v", err)
		}
	}
	if c.Desk.ReopenWindowDays < 0 {
		bad("desk.reopen_window_days", "%d must be 0 (no limit) or more", c.Desk.ReopenWindowDays)
	}
	if c.Desk.ReplySecret != "" && len(c.Desk.ReplySecret) < 16 {
		bad("desk.reply_secret", "is %d characters; use at least 16, or leave it empty to have one generated", len(c.Desk.ReplySecret))
	}
	if d := c.Desk.SubaddressDelimiter; len(d) != 1 || strings.ContainsAny(d, "@ .<>\"") {
		bad("desk.subaddress_delimiter", "%q must be one character such as + or -", d)
	}
	if c.Desk.ReopenWindowDays > 0 && c.Desk.Reopen != ticket.ReopenTicket {
		bad("desk.reopen_window_days", "a window applies only where desk.reopen = %q; this desk never reopens", ticket.ReopenTicket)
	}
	if a := c.ControlAddress(); strings.Count(a, "@") != 1 || strings.ContainsAny(a, " <>+") || a == c.DeskAddress() {
		bad("desk.control_address", "%q must be a plain address other than the support address", a)
	}
	for _, l := range c.Desk.CommandLanguages {
		if !slices.Contains(ticket.Languages, l) {
			bad("desk.command_languages", "%q is not one of %v", l, ticket.Languages)
		}
	}
	if c.Desk.Strangers != StrangersNewTicket && c.Desk.Strangers != StrangersRefuse {
		bad("desk.strangers", "%q must be %q or %q", c.Desk.Strangers, StrangersNewTicket, StrangersRefuse)
	}
	if c.SMTP.SubmissionListen != "" {
		if _, _, err := net.SplitHostPort(c.SMTP.SubmissionListen); err != nil {
			bad("smtp.submission_listen", "%q must be HOST:PORT", c.SMTP.SubmissionListen)
		}
		if c.SMTP.TLSCert == "" || c.SMTP.TLSKey == "" {
			bad("smtp.submission_listen", "needs smtp.tls_cert and smtp.tls_key: AUTH is offered only after STARTTLS")
		}
	}
	if c.SMTP.Listen == "" {
		bad("smtp.listen", "must be HOST:PORT")
	} else if _, _, err := net.SplitHostPort(c.SMTP.Listen); err != nil {
		bad("smtp.listen", "%q must be HOST:PORT", c.SMTP.Listen)
	}
	if c.SMTP.MaxMessageBytes < 1024 {
		bad("smtp.max_message_bytes", "%d is too small (at least 1024)", c.SMTP.MaxMessageBytes)
	}
	if c.SMTP.MaxRecipients < 1 {
		bad("smtp.max_recipients", "must be at least 1")
	}
	if c.Database.Path == "" {
		bad("database.path", "must name a file")
	}
	switch c.Database.Synchronous {
	case "FULL", "NORMAL", "EXTRA":
	default:
		bad("database.synchronous", "%q must be FULL, NORMAL or EXTRA", c.Database.Synchronous)
	}
	switch c.Relay.TLS {
	case "none", "starttls", "tls":
	default:
		bad("relay.tls", "%q must be none, starttls or tls", c.Relay.TLS)
	}
	if c.Relay.Host != "" && (c.Relay.Port < 1 || c.Relay.Port > 65535) {
		bad("relay.port", "%d is not a port", c.Relay.Port)
	}
	if (c.Relay.Username == "") != (c.Relay.Password == "") {
		bad("relay.username", "username and password go together")
	}
	if c.Outbox.RetryMin <= 0 || c.Outbox.RetryMax < c.Outbox.RetryMin {
		bad("outbox.retry_min", "must be positive and not above outbox.retry_max")
	}
	if c.Outbox.MaxAge <= 0 {
		bad("outbox.max_age", "must be positive")
	}
	c.validateNotify(bad)
	c.validateTime(bad)
	c.validatePolicy(bad)
	return errors.Join(errs...)
}

// CheckConfig validates the config file at path as `serve` would, without
// opening the database or listening, and writes a one-line summary of the
// desk it describes. The error names the file and every key that is wrong.
func CheckConfig(w io.Writer, path string) error {
	_, err := checkConfig(w, path)
	return err
}

// checkConfig is CheckConfig, returning the config it checked.
func checkConfig(w io.Writer, path string) (Config, error) {
	cfg, err := LoadConfig(path)
	if err != nil {
		return cfg, err
	}
	if _, err := cfg.Templates(); err != nil {
		return cfg, fmt.Errorf("config %s: notify.templates: %w", path, err)
	}
	relay := "none (mail waits in the outbox)"
	if cfg.Relay.Host != "" {
		relay = fmt.Sprintf("%s:%d (%s)", cfg.Relay.Host, cfg.Relay.Port, cfg.Relay.TLS)
	}
	form := cfg.Desk.Form
	if len(cfg.Desk.Fields) > 0 {
		form = fmt.Sprintf("%d own fields", len(cfg.Desk.Fields))
	}
	fmt.Fprintf(w, "%s: ok: desk %s <%s>, references %s-N, reopen %s, form %q, smtp %s, relay %s, database %s; notify %s\n",
		path, cfg.Desk.Name, cfg.DeskAddress(), cfg.Desk.Prefix, cfg.Desk.Reopen, form, cfg.SMTP.Listen, relay,
		cfg.Database.Path, cfg.Notify.describeMatrix())
	return cfg, nil
}
