package demo

// company is one demo partner organization before the random details.
type company struct {
	name     string
	country  string
	category string // main category; a few get a second one
}

// region groups countries the way partner teams split territories.
func region(country string) string {
	switch country {
	case "United States", "Canada":
		return "North America"
	case "Brazil", "Chile", "Argentina", "Mexico":
		return "Latin America"
	case "Australia", "New Zealand", "Singapore", "India", "Japan", "South Korea":
		return "APAC"
	}
	return "EMEA"
}

// callingCode is the country's telephone prefix, for demo phone numbers.
func callingCode(country string) string {
	codes := map[string]string{
		"United States": "+1", "Canada": "+1", "United Kingdom": "+44", "Germany": "+49",
		"Norway": "+47", "Netherlands": "+31", "Ireland": "+353", "Australia": "+61",
		"Singapore": "+65", "New Zealand": "+64", "Spain": "+34", "France": "+33",
		"India": "+91", "Switzerland": "+41", "South Africa": "+27", "Chile": "+56",
		"Brazil": "+55", "Japan": "+81", "South Korea": "+82", "Austria": "+43",
		"Estonia": "+372", "Finland": "+358", "Mexico": "+52", "Argentina": "+54",
		"Sweden": "+46", "United Arab Emirates": "+971",
	}
	return codes[country]
}

// language is the partner's preferred language for material, by country.
func language(country string) string {
	switch country {
	case "Germany", "Austria", "Switzerland":
		return "de"
	case "France":
		return "fr"
	case "Spain", "Chile", "Mexico", "Argentina":
		return "es"
	case "Brazil":
		return "pt"
	case "Japan":
		return "ja"
	}
	return "en"
}

// companies are the demo partners. Their domains are made from their names
// under .example, which is reserved and never belongs to a real company.
func companies() []company {
	return []company{
		{"Northwind Systems", "United States", "Reseller"},
		{"Bluepeak Consulting", "Canada", "Referral"},
		{"Cedar & Stone IT", "United Kingdom", "Reseller"},
		{"Helix Cloud Partners", "Germany", "MSP"},
		{"Fjord Digital", "Norway", "Referral"},
		{"Lumen Networks", "Netherlands", "Reseller"},
		{"Sierra Data Group", "United States", "Systems Integrator"},
		{"Kestrel Security", "Ireland", "MSP"},
		{"Atlas Integration Services", "Australia", "Systems Integrator"},
		{"Meridian Tech Distribution", "Singapore", "Distributor"},
		{"Cobalt Ridge Solutions", "United States", "Reseller"},
		{"Orchard Software Partners", "New Zealand", "Technology"},
		{"Tidewater Managed Services", "United States", "MSP"},
		{"Pinecrest Analytics", "Canada", "Technology"},
		{"Granite Peak IT", "United States", "Reseller"},
		{"Solstice Digital", "Spain", "Referral"},
		{"Vantage Point Conseil", "France", "Referral"},
		{"Brightline Technologies", "India", "Systems Integrator"},
		{"Quarry Lane Systems", "United Kingdom", "Reseller"},
		{"Harbor & Hill Advisory", "United States", "Referral"},
		{"Nordlicht IT", "Germany", "MSP"},
		{"Coral Coast Networks", "Australia", "Reseller"},
		{"Ironbridge Distribution", "United Kingdom", "Distributor"},
		{"Saffron Cloud Services", "India", "MSP"},
		{"Maplewood Managed IT", "Canada", "MSP"},
		{"Redwood Revenue Partners", "United States", "Referral"},
		{"Alpine Data Works", "Switzerland", "Technology"},
		{"Silverline Integrators", "South Africa", "Systems Integrator"},
		{"Andes Digital", "Chile", "Reseller"},
		{"Rio Claro Tecnologia", "Brazil", "Reseller"},
		{"Sakura Systems Integration", "Japan", "Systems Integrator"},
		{"Han River Solutions", "South Korea", "Reseller"},
		{"Danube IT Services", "Austria", "MSP"},
		{"Baltic Bridge Technologies", "Estonia", "Technology"},
		{"Lighthouse Referral Group", "United States", "Referral"},
		{"Evergreen Cyber", "United States", "MSP"},
		{"Mistral Cloud", "France", "Technology"},
		{"Oakmont Technology Partners", "United States", "Reseller"},
		{"Polar Star Distribution", "Finland", "Distributor"},
		{"Tasman Managed IT", "New Zealand", "MSP"},
		{"Vireo Labs", "United States", "Technology"},
		{"Stratus Analytics", "United States", "Technology"},
		{"Corvid Data Integration", "Ireland", "Systems Integrator"},
		{"Monarch Business Systems", "Mexico", "Reseller"},
		{"Pampas Soluciones", "Argentina", "Referral"},
		{"Aurora Workplace Tech", "Sweden", "Reseller"},
		{"Keystone Reseller Network", "United States", "Distributor"},
		{"Mosaic Growth Partners", "United Kingdom", "Referral"},
		{"Zenith Telecom Solutions", "United Arab Emirates", "Reseller"},
		{"Highgate Digital", "Singapore", "Referral"},
		{"Copperleaf Consulting", "United States", "Referral"},
		{"Blue Fern Technologies", "New Zealand", "Technology"},
	}
}
