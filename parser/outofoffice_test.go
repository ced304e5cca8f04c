package parser

import "testing"

func TestIsOutOfOffice(t *testing.T) {
	tests := []struct {
		subject string
		want    bool
	}{
		{"Out of Office: [TKT-3] Labels", true},
		{"Automatic reply: Severity 1 - Acme - labels not printing", true},
		{"Auto reply: Nyaan", true},
		{"Abwesenheitsnotiz: Ihre Anfrage", true},
		{"Automatische Antwort: TKT-4", true},
		{"Risposta automatica: ordine 77", true},
		{"Fuori sede fino al 10 marzo", true},
		{"Afwezigheidsassistent: uw vraag", true},
		{"Automatisch antwoord: TKT-5", true},
		{"Réponse automatique : demande", true},
		{"Absence: Jean Dupont", true},
		{"Respuesta automática: pedido 12", true},
		{"Subject line\nI am currently away from the office until Friday.", true},
		{"Labels not printing", false},
		{"Absence of labels on pallet 4", false},
		{"Re: Out of office", false},
		{"AW: Abwesenheitsnotiz: Ihre Anfrage", false},
		{"Severity 2 - Semco - office printer offline", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsOutOfOffice(tt.subject); got != tt.want {
			t.Errorf("IsOutOfOffice(%q) = %v, want %v", tt.subject, got, tt.want)
		}
	}
}
