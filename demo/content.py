"""The fixed vocabulary of the demo government: agencies, offices, titles, skills, phrases.

Everything random is drawn elsewhere from a seeded generator; this module only lists choices,
so the demo reads like a real city government rather than lorem ipsum.
"""

from __future__ import annotations

from dataclasses import dataclass

GOVERNMENT = "City of Fairhaven"
HQ_ZONE = "America/New_York"


@dataclass(frozen=True)
class Office:
    name: str
    time_zone: str
    weight: int  # share of the agency's staff who work there


@dataclass(frozen=True)
class Agency:
    name: str
    code: str
    weight: int  # relative headcount
    divisions: tuple[str, ...]
    lead_titles: tuple[str, ...]  # supervisors and senior specialists
    staff_titles: tuple[str, ...]  # from entry level up
    core_categories: tuple[str, ...]  # skill categories typical of the agency
    offices: tuple[Office, ...]


_HQ = Office("City Hall, 100 Main Street", HQ_ZONE, 6)

AGENCIES: tuple[Agency, ...] = (
    Agency(
        "Public Works",
        "DPW",
        16,
        ("Streets and Bridges", "Fleet Services", "Facilities Maintenance", "Solid Waste", "Capital Projects"),
        ("Senior Civil Engineer", "Maintenance Supervisor", "Construction Inspector III", "Fleet Operations Lead"),
        (
            "Maintenance Worker",
            "Equipment Operator",
            "Engineering Technician",
            "Civil Engineer",
            "Construction Inspector",
        ),
        ("Engineering and Construction", "Asset Management", "Project Management", "Emergency Management"),
        (Office("Municipal Services Center", HQ_ZONE, 5), Office("North Yard", HQ_ZONE, 3), _HQ),
    ),
    Agency(
        "Finance",
        "FIN",
        8,
        ("Budget Office", "Accounting", "Treasury", "Procurement", "Revenue Collection"),
        ("Principal Budget Analyst", "Accounting Manager", "Senior Procurement Officer", "Debt Manager"),
        ("Accounting Clerk", "Budget Analyst", "Accountant", "Buyer", "Revenue Agent"),
        ("Public Budgeting and Finance", "Procurement and Contracts", "Data and Analytics"),
        (_HQ, Office("Revenue Office, Harbor Plaza", HQ_ZONE, 2)),
    ),
    Agency(
        "Transportation",
        "DOT",
        10,
        ("Traffic Engineering", "Transit Planning", "Parking Services", "Active Transportation"),
        ("Senior Traffic Engineer", "Transit Planning Supervisor", "Signal Systems Lead"),
        ("Traffic Technician", "Parking Enforcement Officer", "Transportation Planner", "Traffic Engineer"),
        ("Engineering and Construction", "Planning and Permitting", "GIS and Mapping", "Data and Analytics"),
        (Office("Transportation Operations Center", HQ_ZONE, 5), _HQ),
    ),
    Agency(
        "Parks and Recreation",
        "PRK",
        9,
        ("Park Maintenance", "Recreation Programs", "Urban Forestry", "Aquatics"),
        ("Recreation Supervisor", "Park Operations Supervisor", "City Arborist"),
        ("Groundskeeper", "Recreation Leader", "Recreation Coordinator", "Park Ranger", "Horticulturist"),
        ("Community and Stakeholder Engagement", "Asset Management", "Grants and Funding"),
        (Office("Riverside Park Headquarters", HQ_ZONE, 5), Office("Westside Community Center", HQ_ZONE, 2)),
    ),
    Agency(
        "Information Technology",
        "ITD",
        8,
        ("Infrastructure", "Enterprise Applications", "Cybersecurity", "Service Desk", "Data and GIS Services"),
        ("Senior Systems Engineer", "Application Development Lead", "Information Security Officer"),
        (
            "Service Desk Technician",
            "Systems Administrator",
            "Business Analyst",
            "Software Developer",
            "Network Engineer",
        ),
        ("Information Technology", "Data and Analytics", "GIS and Mapping", "Project Management"),
        (
            _HQ,
            Office("Disaster Recovery Data Center, Phoenix", "America/Phoenix", 1),
            Office("Remote (Pacific time)", "America/Los_Angeles", 1),
        ),
    ),
    Agency(
        "Human Resources",
        "HRD",
        5,
        ("Talent Acquisition", "Classification and Compensation", "Employee Relations", "Workforce Development"),
        ("Senior HR Business Partner", "Labor Relations Manager", "Training Manager"),
        ("HR Assistant", "Human Resources Analyst", "Recruiter", "Benefits Specialist", "Training Specialist"),
        ("Human Resources and Workforce", "Policy and Legal", "Leadership and Management"),
        (_HQ,),
    ),
    Agency(
        "Planning and Development",
        "PLN",
        6,
        ("Long-Range Planning", "Current Planning", "Building Permits", "Code Enforcement"),
        ("Principal Planner", "Chief Building Inspector", "Permit Center Supervisor"),
        ("Permit Technician", "Planner", "Building Inspector", "Code Enforcement Officer", "Plans Examiner"),
        ("Planning and Permitting", "GIS and Mapping", "Policy and Legal", "Community and Stakeholder Engagement"),
        (_HQ, Office("Permit Center, 45 Commerce Way", HQ_ZONE, 3)),
    ),
    Agency(
        "Water and Power",
        "DWP",
        14,
        (
            "Water Treatment",
            "Distribution and Collection",
            "Power Operations",
            "Customer Service",
            "Watershed Protection",
        ),
        ("Chief Plant Operator", "Senior Electrical Engineer", "Distribution Supervisor", "Hydrologist III"),
        (
            "Utility Worker",
            "Water Treatment Operator",
            "Lineworker",
            "Customer Service Representative",
            "Electrical Engineer",
        ),
        ("Engineering and Construction", "Asset Management", "Emergency Management", "Policy and Legal"),
        (
            Office("Utility Operations Complex", HQ_ZONE, 6),
            Office("Lakeview Treatment Plant", HQ_ZONE, 3),
            Office("Western Reservoir Field Office, Colorado", "America/Denver", 2),
        ),
    ),
    Agency(
        "Public Health",
        "DPH",
        8,
        ("Epidemiology", "Environmental Health", "Community Health", "Emergency Preparedness"),
        ("Supervising Epidemiologist", "Environmental Health Supervisor", "Public Health Nurse Manager"),
        ("Health Educator", "Environmental Health Inspector", "Public Health Nurse", "Epidemiologist", "Data Analyst"),
        ("Emergency Management", "Data and Analytics", "Grants and Funding", "Community and Stakeholder Engagement"),
        (
            _HQ,
            Office("Health Center, 12 Elm Avenue", HQ_ZONE, 3),
            Office("Gulf Coast Regional Preparedness Office", "America/Chicago", 1),
        ),
    ),
    Agency(
        "Housing and Community Development",
        "HCD",
        5,
        ("Affordable Housing", "Homeless Services", "Neighborhood Grants"),
        ("Housing Program Manager", "Senior Grants Administrator", "Compliance Supervisor"),
        ("Housing Specialist", "Grants Administrator", "Compliance Analyst", "Case Manager"),
        (
            "Grants and Funding",
            "Policy and Legal",
            "Community and Stakeholder Engagement",
            "Public Budgeting and Finance",
        ),
        (_HQ, Office("Neighborhood Services Office", HQ_ZONE, 2)),
    ),
    Agency(
        "Police Administration",
        "PDA",
        7,
        ("Records and Technology", "Fiscal and Support Services", "Training Academy", "Crime Analysis"),
        ("Records Supervisor", "Senior Crime Analyst", "Police Academy Coordinator"),
        (
            "Police Records Clerk",
            "Dispatcher",
            "Crime Analyst",
            "Property and Evidence Technician",
            "Administrative Analyst",
        ),
        ("Emergency Management", "Data and Analytics", "Policy and Legal", "Information Technology"),
        (Office("Public Safety Building", HQ_ZONE, 5), _HQ),
    ),
    Agency(
        "Fairhaven Public Library",
        "LIB",
        4,
        ("Branch Services", "Collections and Technical Services", "Youth and Literacy"),
        ("Branch Manager", "Senior Librarian", "Digital Services Lead"),
        ("Library Assistant", "Library Technician", "Librarian", "Literacy Program Coordinator"),
        ("Community and Stakeholder Engagement", "Grants and Funding", "Information Technology"),
        (
            Office("Central Library", HQ_ZONE, 4),
            Office("Eastside Branch", HQ_ZONE, 1),
            Office("Harbor Branch", HQ_ZONE, 1),
        ),
    ),
)

# Skills everybody in government draws on, whatever the agency.
GENERAL_CATEGORIES = (
    "Leadership and Management",
    "Project Management",
    "Communication and Writing",
    "Data and Analytics",
    "Community and Stakeholder Engagement",
)

KNOW_HOW_CATEGORY = "Institutional know-how"

SKILLS: dict[str, tuple[str, ...]] = {
    "Public Budgeting and Finance": (
        "Operating budget preparation",
        "Capital improvement planning",
        "Revenue forecasting",
        "Cost-benefit analysis",
        "Fund accounting",
        "Municipal bond issuance",
        "Financial reporting (GASB)",
        "Rate setting",
        "Performance budgeting",
        "Internal audit",
        "Cash management",
        "Budget presentation to council",
    ),
    "Procurement and Contracts": (
        "Request for proposals",
        "Contract negotiation",
        "Vendor management",
        "Cooperative purchasing",
        "Contract compliance monitoring",
        "Public bidding law",
        "Change order management",
        "Disadvantaged business outreach",
        "Purchasing card administration",
        "Construction contract administration",
        "Sole-source justification",
        "Supplier diversity reporting",
    ),
    "GIS and Mapping": (
        "ArcGIS Pro",
        "Spatial analysis",
        "Web mapping",
        "Parcel data management",
        "Field data collection",
        "Geocoding",
        "Network analysis",
        "Cartographic design",
        "LiDAR and imagery",
        "Address management",
        "Spatial databases",
        "Story maps",
    ),
    "Grants and Funding": (
        "Federal grant writing",
        "Grant budgeting",
        "Uniform Guidance compliance",
        "Grant reporting",
        "Foundation proposals",
        "CDBG administration",
        "Subrecipient monitoring",
        "FEMA public assistance claims",
        "Matching-fund planning",
        "Logic models",
        "Grant closeout",
        "Funding research",
    ),
    "Project Management": (
        "Project scheduling",
        "Scope management",
        "Risk registers",
        "Earned value",
        "Agile delivery",
        "Change management",
        "Project charters",
        "Resource planning",
        "Lessons-learned reviews",
        "Portfolio prioritisation",
        "Microsoft Project",
        "Vendor-led project oversight",
    ),
    "Community and Stakeholder Engagement": (
        "Public meeting facilitation",
        "Community outreach",
        "Council presentations",
        "Coalition building",
        "Conflict resolution",
        "Survey design",
        "Plain-language notices",
        "Language access",
        "Social media for agencies",
        "Working with neighbourhood associations",
        "Equity impact review",
        "Media relations",
    ),
    "Data and Analytics": (
        "Excel modelling",
        "SQL",
        "Python for analysis",
        "Power BI dashboards",
        "Statistics",
        "Performance measures",
        "Data governance",
        "Open data publishing",
        "Program evaluation",
        "Forecasting",
        "Data visualisation",
        "R for analysis",
    ),
    "Policy and Legal": (
        "Policy writing",
        "Ordinance drafting",
        "Administrative rulemaking",
        "Public records requests",
        "Regulatory compliance",
        "Environmental review (NEPA/CEQA)",
        "Legislative analysis",
        "ADA compliance",
        "Ethics rules",
        "Records retention",
        "Intergovernmental agreements",
        "Hearing officer procedures",
    ),
    "Leadership and Management": (
        "Coaching staff",
        "Performance reviews",
        "Succession planning",
        "Running effective meetings",
        "Delegation",
        "Strategic planning",
        "Leading change",
        "Hiring and interviewing",
        "Team building",
        "Labor-management relations",
        "Decision making under pressure",
        "Managing up",
    ),
    "Asset Management": (
        "Condition assessment",
        "Maintenance planning",
        "Work order systems",
        "Lifecycle costing",
        "Fleet management",
        "Facility management",
        "Pavement management",
        "Inventory control",
        "Reliability-centred maintenance",
        "Asset registers",
        "Energy management",
        "Capital renewal planning",
    ),
    "Planning and Permitting": (
        "Zoning administration",
        "Site plan review",
        "Building code (IBC)",
        "Plan review",
        "Inspections",
        "Comprehensive planning",
        "Historic preservation",
        "Subdivision review",
        "Right-of-way permits",
        "Development agreements",
        "Land use hearings",
        "Permit software",
    ),
    "Emergency Management": (
        "Incident Command System",
        "Continuity of operations",
        "Emergency operations center",
        "Hazard mitigation",
        "Exercise design",
        "Damage assessment",
        "Public warning",
        "Shelter operations",
        "Debris management",
        "Mutual aid",
        "Recovery planning",
        "Risk assessment",
    ),
    "Engineering and Construction": (
        "Civil design",
        "Stormwater management",
        "Construction inspection",
        "Traffic engineering",
        "Water treatment operations",
        "Electrical distribution",
        "AutoCAD Civil 3D",
        "Cost estimating",
        "Surveying",
        "Structural inspection",
        "Hydraulic modelling",
        "Construction safety",
    ),
    "Information Technology": (
        "Network administration",
        "Cybersecurity",
        "Cloud services",
        "Enterprise applications",
        "IT service management",
        "Database administration",
        "Identity and access management",
        "Software development",
        "Web accessibility",
        "Business analysis",
        "IT procurement",
        "Data centre operations",
    ),
    "Human Resources and Workforce": (
        "Recruitment",
        "Classification",
        "Compensation analysis",
        "Benefits administration",
        "Employee relations",
        "Training design",
        "Workforce planning",
        "Onboarding",
        "HRIS",
        "Investigations",
        "Collective bargaining",
        "Knowledge transfer",
    ),
    "Communication and Writing": (
        "Plain-language writing",
        "Staff reports",
        "Briefing memos",
        "Presentation skills",
        "Technical writing",
        "Grant narratives",
        "Editing",
        "Public speaking",
        "Crisis communication",
        "Internal newsletters",
        "Writing for the web",
        "Translation coordination",
    ),
    # Know-how only a few long-serving people hold and nobody is learning yet: the story the
    # knowledge-at-risk report exists to tell. In no agency's core and not general, so the random
    # draws never hand it out; demo.skills gives each to a retiring expert on purpose.
    KNOW_HOW_CATEGORY: (
        "Pre-1970 water main records",
        "Pump station relay logic",
        "Mainframe payroll batch runs",
        "Riveted steel bridge inspection",
        "Hand-drawn plat interpretation",
        "Storm-night manual dispatch",
    ),
}

# Free-text aims for development plans (in our own words).
AIMS = (
    "Run a public meeting on a capital project without help",
    "Present our division's budget request to the budget office",
    "Understand how the city's procurement rules apply to small purchases",
    "Build a network outside my own agency",
    "Prepare for a supervisor role within two years",
    "Write a staff report that goes to council unchanged",
    "Learn how capital projects move from plan to construction",
    "Lead a cross-department working group",
    "Get better at giving feedback to peers",
    "Understand the emergency operations center and my role in it",
    "Plan my next career step in the city",
    "Take over the annual grant report before my colleague retires",
    "Document the undocumented steps of our permitting process",
    "Negotiate a contract renewal with confidence",
)

PROGRESS_NOTES = (
    "Shadowed my mentor at a budget work session; I now follow how the requests are ranked.",
    "Drafted the first half of the report; my mentor marked up the structure.",
    "Finished the online course we agreed on and applied it to our ticket backlog.",
    "Sat in on a vendor negotiation. Next time I will lead one part of it.",
    "Mapped the permit steps nobody had written down. Sharing with the team next week.",
    "Presented at our division meeting; feedback was good, timing was too long.",
    "We reviewed two past grant applications and why one was funded.",
    "Met three people in other agencies through my mentor's introductions.",
    "Took the lead on a small project; the schedule slipped a week, and we talked about why.",
    "Practised the council presentation twice; ready for the real one.",
)

MEETING_NOTES = (
    "Went through the IDP together and picked the two goals to focus on first.",
    "Talked about how the capital plan is put together and who to ask for what.",
    "Reviewed a draft memo; agreed to shorten it and lead with the decision needed.",
    "Discussed a difficult conversation with a contractor and how to prepare for it.",
    "Walked the site together; explained the inspection checklist and the common failures.",
    "Talked about career paths in the city and the classification system.",
    "Mentor shared how the division handled the last flood response.",
    "Planned a shadowing day at the budget office next month.",
    "Looked at the dashboard the mentee built; suggested fewer charts and clearer titles.",
    "Covered the basics of public records requests and the timelines.",
    "Short check-in: workload is heavy this month, agreed to meet by phone next time.",
    "Role-played the public meeting; worked on answering hostile questions calmly.",
    "Talked about what the mentor wishes someone had told them in their first year.",
    "Reviewed the grant report template and the numbers that always cause trouble.",
)

EXPECTATIONS = (
    "We meet every two weeks, keep what we discuss between us, and each come with one question.",
    "Mentee sets the agenda; mentor shares documents and introductions. Cancel at least a day ahead.",
    "Focus on the budget cycle first, then presentation skills. Honest feedback both ways.",
    "Monthly in person at the service center, short calls in between when something comes up.",
)

MOTIVATIONS_MENTEE = (
    "I joined the city recently and want to learn how decisions really get made here.",
    "I want to grow into a lead role and need someone who has done it to guide me.",
    "Several experienced colleagues will retire soon and I want to learn from them while I can.",
    "I am moving from field work to office work and need help with the new skills.",
    "I would like a mentor outside my chain of command to talk about my career.",
    "My development plan has goals I cannot reach through training alone.",
)

MOTIVATIONS_MENTOR = (
    "I had a great mentor early on and want to give the same to someone else.",
    "I will be eligible to retire in a few years and want to pass on what I know.",
    "Mentoring keeps me in touch with how newer colleagues see the work.",
    "Our division depends on knowledge that is not written down; mentoring is how it survives.",
)

DECLINE_NOTES = (
    "The cycle is full; please apply again next cycle.",
    "Your supervisor asked to postpone until the reorganisation is finished.",
    "We could not find a mentor with the skills you named this time.",
)

ENDED_EARLY_REASONS = (
    "Mentee took a job in another city.",
    "Schedules never lined up; both agreed to stop.",
    "Mentor retired earlier than planned.",
    "Mentee asked for a different match.",
    "Mentor moved into an acting director role with no time left.",
)

SEPARATION_REASONS = (
    "Resigned: private sector offer",
    "Resigned: relocation",
    "Transferred to another government",
    "Resigned: career change",
    "Resigned: family reasons",
)

HELP_MESSAGES = (
    (
        "help",
        "We have had to cancel three meetings in a row because of storm response. Could you suggest a lighter format?",
    ),
    (
        "rematch",
        "My mentor and I get along, but their skills are far from my goals. Could I be matched with someone in finance?",
    ),
    ("help", "Could you help us find a room at the service center? The one we used is no longer bookable."),
    ("help", "My mentor has been out on leave for a month and I am not sure if I should wait."),
)
