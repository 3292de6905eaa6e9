package mail

// LeadDeliveryData fills the e-mail that delivers a lead to a partner's
// recipients: a readable summary of the lead and a link to it in the portal.
type LeadDeliveryData struct {
	PartnerName string // the partner the lead went to
	Name        string // the lead's full name (or e-mail when it has none)
	Company     string
	Title       string
	Email       string
	Phone       string
	Location    string // region and country, e.g. "Bavaria, DE"; "" when unknown
	Source      string
	Message     string   // what the lead asked for
	Custom      []Detail // custom fields, in key order
	Link        string   // the lead's page in the partner portal; "" leaves it out
}

// Detail is one labelled value of a lead, as shown to people.
type Detail struct {
	Label string
	Value string
}

// Details lists the lead's known values, then its custom fields, leaving
// out the empty ones, so both parts of the e-mail show the same lines.
func (d LeadDeliveryData) Details() []Detail {
	var out []Detail
	for _, x := range append([]Detail{
		{"Name", d.Name}, {"Company", d.Company}, {"Title", d.Title}, {"E-mail", d.Email},
		{"Phone", d.Phone}, {"Location", d.Location}, {"Source", d.Source},
	}, d.Custom...) {
		if x.Value != "" {
			out = append(out, x)
		}
	}
	return out
}
