"""What the simulated company sells, says and spends: the generator's fixed vocabularies.

Stages, lost reasons, products, expenses, SLAs and comments as the source systems spell
them (French, as the company is).
"""

from __future__ import annotations

SEGMENTS = (("SMB", 0.6), ("Mid-Market", 0.3), ("Enterprise", 0.1))
MONTHLY_PRICE = {"SMB": (49, 390), "Mid-Market": (400, 1900), "Enterprise": (2000, 9500)}
CRM_STAGES = (
    "Qualification",
    "Prospection",
    "Maturation",
    "Construction projet",
    "Négociation",
    "Closing",
)
STAGE_PROBABILITY = (10, 20, 40, 60, 80, 90)
WON, LOST = "Gagné", "Perdu"
LOST_REASONS = (  # raw CRM values and the free text a rep writes
    ("Prix trop élevé", "Budget client inférieur de 20 % à notre offre"),
    ("Concurrent moins cher", "Le concurrent a proposé une remise importante"),
    ("Fonctionnalité manquante", "Pas d'intégration avec leur ERP"),
    ("Contrainte réglementaire", "Hébergement des données hors UE refusé"),
    ("Délais de livraison", "Mise en service trop tardive pour eux"),
    ("Pas de budget", "Budget gelé jusqu'à l'an prochain"),
    ("Projet abandonné", "Le sponsor a quitté l'entreprise"),
    ("Pas de réponse", "Plus de nouvelles après la démo"),
    ("Hors périmètre", "Besoin hors de notre offre"),
    ("Choix d'un concurrent", "Partenaire historique du client retenu"),
    ("Autre", ""),
)
COMPETITORS = ("Sellsy", "Axonaut", "Salesforce", "HubSpot", "Pipedrive", "Divalto", "Sage")
QUOTE_REFUSALS = (
    ("Tarif", "Remise demandée non accordée"),
    ("Délai", "Livraison souhaitée sous 2 semaines"),
    ("Technique", "Compatibilité matérielle non assurée"),
    ("Concurrence", "Offre concurrente retenue"),
    ("Réglementaire", "Certification exigée absente"),
    ("Sans suite", "Client injoignable"),
)
DISQUALIFICATIONS = (
    ("Pas de budget", "TPE sans budget logiciel"),
    ("Hors cible", "Particulier, pas une entreprise"),
    ("Doublon", "Déjà client sous un autre nom"),
    ("Injoignable", "Trois relances sans réponse"),
    ("Concurrent", "Sous contrat chez un concurrent jusqu'en 2028"),
    ("Hors périmètre", "Demande de matériel que nous ne vendons pas"),
)
LEAD_CHANNELS = ("site_web", "salon", "linkedin", "recommandation", "prospection", "partenaire")
EXPENSES = (  # category, channel ('' when not sales & marketing), typical amount
    ("Salon professionnel", "events", 4000),
    ("Google Ads", "paid_search", 900),
    ("LinkedIn Ads", "paid_social", 700),
    ("Salaires commerciaux", "sales_team", 6000),
    ("Commissions commerciales", "sales_team", 1500),
    ("Agence marketing", "content", 2500),
    ("Publicité presse", "print", 1200),
    ("Dépenses événementielles", "events", 800),
    ("Loyer", "", 3500),
    ("Fournitures", "", 150),
    ("Logiciels", "", 400),
    ("Déplacements", "", 300),
)
PRODUCTS = (  # id, name, family, is_recurring, billing_period, list price
    ("P01", "Abonnement Essentiel", "logiciel", True, "monthly", 49),
    ("P02", "Abonnement Pro", "logiciel", True, "monthly", 149),
    ("P03", "Abonnement Entreprise", "logiciel", True, "monthly", 890),
    ("P04", "Licence annuelle Pro", "logiciel", True, "annual", 1490),
    ("P05", "Licence annuelle Entreprise", "logiciel", True, "annual", 9900),
    ("P06", "Module Reporting", "module", True, "monthly", 79),
    ("P07", "Support Premium", "service", True, "monthly", 199),
    ("P08", "Mise en service", "service", False, "one_off", 1200),
    ("P09", "Formation sur site", "service", False, "one_off", 950),
    ("P10", "Terminal de paiement", "materiel", False, "one_off", 390),
    ("P11", "Hébergement dédié", "service", True, "annual", 2400),
    ("P12", "Connecteur comptable", "module", True, "monthly", 59),
)
SLA_MINUTES = {
    "urgent": (60, 480),
    "high": (240, 1440),
    "normal": (480, 4320),
    "low": (1440, 10080),
}
TICKET_CATEGORIES = ("facturation", "technique", "accès", "formation", "livraison")
TICKET_CHANNELS = ("email", "web", "telephone", "chat")
TERMINATION_REASONS = (
    ("Prix trop élevé", 0.22),
    ("Passage à la concurrence", 0.2),
    ("Besoin disparu", 0.12),
    ("Cessation d'activité", 0.1),
    ("Insatisfaction produit", 0.1),
    ("Insatisfaction support", 0.08),
    ("Budget supprimé", 0.07),
    ("Rachat par un groupe", 0.06),
    ("", 0.05),
)
"""The ERP's termination reasons of cancelled subscriptions, as typed (empty: none given)."""
SURVEY_COMMENTS = (
    "Très satisfait",
    "Support réactif",
    "Outil trop complexe",
    "Prix élevé",
    "",
    "Bonne relation commerciale",
    "Bugs fréquents",
    "RAS",
)
TEAMS = ("Île-de-France", "Grand Ouest", "Sud-Est", "Nord-Est", "Grands comptes")
OPPORTUNITY_KINDS = ("Abonnement", "Extension", "Renouvellement", "Services")
FX_START = {"USD": 0.92, "GBP": 1.16, "CHF": 1.04}
PLM_ONLY_PRODUCTS = (  # PLM products the ERP's product file does not list (yet, or any more)
    # id, name, family, lifecycle status, version, launch: days after the last extract
    # (negative: before the history starts), the ERP article it is quoted as
    ("PLM-P13", "Module Prévisions IA", "module", "in_design", "0.4", 120, "P13"),
    ("PLM-P14", "Terminal Android", "materiel", "in_design", "0.9", 60, "P14"),
    ("PLM-P15", "Abonnement Classique", "logiciel", "obsolete", "2.8", -1800, "P15"),
    ("PLM-P16", "Connecteur Paie", "module", "phase_out", "1.3", -700, "P16"),
)
CRM_PRODUCT_NAMES = {  # PLM product -> the names CRM users write for it
    "PLM-P01": ("Abonnement Essentiel", "Abo Essentiel", "essentiel"),
    "PLM-P02": ("Abonnement Pro", "Abo Pro", "ABONNEMENT PRO"),
    "PLM-P03": ("Abonnement Entreprise", "Abo Entreprise"),
    "PLM-P04": ("Licence annuelle Pro", "Licence Pro (annuelle)"),
    "PLM-P05": ("Licence annuelle Entreprise", "Licence Entreprise"),
    "PLM-P06": ("Module Reporting", "Reporting"),
    "PLM-P07": ("Support Premium", "Support premium 24/7"),
    "PLM-P08": ("Mise en service", "Installation / mise en service"),
    "PLM-P09": ("Formation sur site", "Formation"),
    "PLM-P10": ("Terminal de paiement", "TPE"),
    "PLM-P11": ("Hébergement dédié", "Hebergement dedie"),
    "PLM-P12": ("Connecteur comptable", "Connecteur compta"),
    "PLM-P13": ("Module Prévisions IA", "Prévisions IA (bêta)"),
    "PLM-P14": ("Terminal Android", "TPE Android"),
    "PLM-P15": ("Abonnement Classique", "Abo Classique"),
    "PLM-P16": ("Connecteur Paie",),
}
UNMAPPED_CRM_PRODUCT_NAMES = ("Offre sur mesure", "Pack Démarrage")
"""Names a CRM user writes that name no PLM product: the seed crm_product_names lacks them."""
UNMAPPED_ERP_PRODUCT = "P90"
"""An ERP article quoted that the PLM does not know."""
