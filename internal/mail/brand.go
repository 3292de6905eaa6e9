package mail

import (
	"math"
	"strconv"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// DefaultAccent is the accent colour when the vendor has not set a valid one.
const DefaultAccent = "#2f6fed"

// brand is the branding as the templates use it, with defaults filled in.
type brand struct {
	Name     string
	LogoURL  string
	Accent   string // #rrggbb
	OnAccent string // text colour readable on Accent
}

func brandOf(b ally.Branding) brand {
	out := brand{Name: strings.TrimSpace(b.VendorName), LogoURL: strings.TrimSpace(b.LogoURL), Accent: DefaultAccent}
	if out.Name == "" {
		out.Name = "Ally"
	}
	if a := strings.ToLower(strings.TrimSpace(b.AccentColor)); isHexColor(a) {
		out.Accent = a
	}
	out.OnAccent = onColor(out.Accent)
	return out
}

// isHexColor reports whether s is #rrggbb. Only that form reaches a style
// attribute, so a stored colour can never smuggle in other CSS.
func isHexColor(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	_, err := strconv.ParseUint(s[1:], 16, 32)
	return err == nil
}

// onColor picks white or near-black text for a background, whichever has
// the higher WCAG contrast, so the button stays legible in any accent.
func onColor(bg string) string {
	n, _ := strconv.ParseUint(bg[1:], 16, 32)
	lin := func(c uint64) float64 {
		v := float64(c) / 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	l := 0.2126*lin(n>>16&0xff) + 0.7152*lin(n>>8&0xff) + 0.0722*lin(n&0xff)
	const dark = 0.0137 // relative luminance of #1f2328
	if (1.05)/(l+0.05) >= (l+0.05)/(dark+0.05) {
		return "#ffffff"
	}
	return "#1f2328"
}

// buttonView is what the "button" template draws.
type buttonView struct {
	Label    string
	Link     string
	Accent   string
	OnAccent string
}

// button gives the templates a call-to-action in the vendor's accent:
// {{template "button" (button .Brand "Label" .Data.Link)}}.
func button(b brand, label, link string) buttonView {
	return buttonView{Label: label, Link: link, Accent: b.Accent, OnAccent: b.OnAccent}
}
