package mail_test

import (
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/mail"
)

var acme = ally.Branding{VendorName: "Acme Cloud", LogoURL: "https://cdn.acme.example/logo.png", AccentColor: "#AA3300"}

// sample returns valid data for each kind.
func sample(kind string) any {
	switch kind {
	case mail.KindInvite:
		return mail.InviteData{PartnerName: "Globex", InviterName: "Jane Doe", Message: "Welcome aboard!",
			Link: "https://prm.acme.example/partner/invite/tok123", ExpiresIn: "7 days"}
	case mail.KindReset:
		return &mail.ResetData{Name: "Sam", Link: "https://prm.acme.example/reset/tok123", ExpiresIn: "1 hour"}
	case mail.KindSignupVerify:
		return mail.SignupData{Link: "https://prm.acme.example/signup/tok123", PartnerName: "Globex"}
	case mail.KindEmailChange:
		return mail.EmailChangeData{Link: "https://prm.acme.example/email/tok123", NewEmail: "sam@globex.example"}
	case mail.KindPartnerUpdated:
		return mail.PartnerUpdatedData{PartnerName: "Globex", ActorLabel: "Sam (Globex)",
			Changes: []mail.ChangeLine{{Field: "Website", Before: "", After: "https://globex.example"}},
			Link:    "https://prm.acme.example/admin/partners/ptn_1"}
	case mail.KindLeadDelivery:
		return mail.LeadDeliveryData{PartnerName: "Globex", Name: "Ada Lovelace", Company: "Analytical Engines",
			Link: "https://prm.acme.example/partner/leads/lead_1"}
	default:
		return mail.TestData{}
	}
}

func TestComposeEveryKind(t *testing.T) {
	t.Parallel()
	tpl := mail.NewTemplates()
	for _, kind := range mail.Kinds() {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			m, err := tpl.Compose(kind, sample(kind), acme, "sam@globex.example")
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject == "" || strings.Contains(m.Subject, "\n") {
				t.Errorf("subject %q", m.Subject)
			}
			if len(m.To) != 1 || m.To[0] != "sam@globex.example" {
				t.Errorf("to %v", m.To)
			}
			for _, want := range []string{"Acme Cloud", "#aa3300", `src="https://cdn.acme.example/logo.png"`, `<html lang="en">`} {
				if !strings.Contains(m.HTML, want) {
					t.Errorf("HTML lacks %q:\n%s", want, m.HTML)
				}
			}
			if !strings.Contains(m.Text, "Acme Cloud") || strings.Contains(m.Text, "<") {
				t.Errorf("text part:\n%s", m.Text)
			}
			if kind != mail.KindTest {
				link := "https://prm.acme.example/"
				if !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, `href="`+link) {
					t.Errorf("link missing:\n%s\n%s", m.Text, m.HTML)
				}
			}
		})
	}
}

func TestComposeEscapesHTML(t *testing.T) {
	t.Parallel()
	evil := `<script>alert("x")</script>`
	b := ally.Branding{VendorName: `Acme <b>Cloud</b>`, AccentColor: `red;background:url(javascript:alert(1))`,
		LogoURL: "javascript:alert(1)"}
	m, err := mail.NewTemplates().Compose(mail.KindInvite, mail.InviteData{PartnerName: evil, InviterName: evil,
		Message: evil, Link: "javascript:alert(1)"}, b, "sam@globex.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script>", "<b>Cloud", `href="javascript`, `src="javascript`, "red;"} {
		if strings.Contains(m.HTML, bad) {
			t.Errorf("HTML contains %q:\n%s", bad, m.HTML)
		}
	}
	if !strings.Contains(m.HTML, "&lt;script&gt;") || !strings.Contains(m.HTML, mail.DefaultAccent) {
		t.Errorf("HTML does not show the escaped name or the default accent:\n%s", m.HTML)
	}
	if !strings.Contains(m.Text, evil) {
		t.Errorf("the text part shows the name as typed:\n%s", m.Text)
	}
}

func TestComposeDefaultsAndErrors(t *testing.T) {
	t.Parallel()
	tpl := &mail.Templates{} // the zero value works too
	m, err := tpl.Compose(mail.KindTest, nil, ally.Branding{}, "a@b.example")
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Test e-mail from Ally" || !strings.Contains(m.HTML, mail.DefaultAccent) || strings.Contains(m.HTML, "<img") {
		t.Errorf("defaults: %q\n%s", m.Subject, m.HTML)
	}
	// A light accent gets dark button text, a dark one white.
	light, _ := tpl.Compose(mail.KindReset, sample(mail.KindReset), ally.Branding{AccentColor: "#ffe066"}, "a@b.example")
	if !strings.Contains(light.HTML, "color:#1f2328;text-decoration:none") {
		t.Errorf("light accent button text is not dark:\n%s", light.HTML)
	}
	dark, _ := tpl.Compose(mail.KindReset, sample(mail.KindReset), ally.Branding{AccentColor: "#102040"}, "a@b.example")
	if !strings.Contains(dark.HTML, "color:#ffffff;text-decoration:none") {
		t.Errorf("dark accent button text is not white:\n%s", dark.HTML)
	}

	if _, err := tpl.Compose("nope", nil, ally.Branding{}, "a@b.example"); err == nil {
		t.Error("unknown kind composed")
	}
	if _, err := tpl.Compose(mail.KindInvite, mail.ResetData{}, ally.Branding{}, "a@b.example"); err == nil {
		t.Error("wrong data type composed")
	}
	if _, err := tpl.Compose(mail.KindInvite, sample(mail.KindInvite), ally.Branding{}); err == nil {
		t.Error("composed without a recipient")
	}
}
