"""The five canonical journey stages, their descriptions, and the other frameworks from the seed
articles mapped onto them, so a team can see (and type) its own framework's stage names."""

from __future__ import annotations

from dataclasses import dataclass

from content_library.vocabulary import STAGES, parse_stage


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    description: str
    content: str  # what content serves it, from the seeds


CANONICAL: dict[str, Stage] = {
    s.key: s
    for s in (
        Stage("awareness", "Awareness",
              "The prospect has realised they have a problem or pain point and starts researching it; "
              "they may not yet know a product exists or know the brand.",
              "educational content: how-to guides, general whitepapers and ebooks, blog posts, infographics, "
              "explainer videos, free courses, research data"),
        Stage("consideration", "Consideration",
              "The prospect knows they need a solution and actively compares vendors and offerings, reads "
              "reviews, asks peers and builds a shortlist.",
              "product marketing content: comparison guides and charts, case studies and customer stories, "
              "product webinars, listicles, product whitepapers, datasheets, FAQs, demo videos, buying guides"),
        Stage("decision", "Decision",
              "The prospect has chosen or narrowed to two or three options and is ready to buy: pricing, "
              "negotiation, procurement, legal and the final business case.",
              "free demos and consultations, free trials and sign-up pages, pricing pages, ROI calculators, "
              "promotions, business-case and procurement material"),
        Stage("retention", "Retention",
              "The prospect is a customer: onboarding, adoption, support and renewal decide whether they stay "
              "or churn.",
              "onboarding guides, knowledge base, training, customer newsletters, satisfaction surveys"),
        Stage("advocacy", "Advocacy",
              "A successful customer who stays and actively promotes the brand: referrals, reviews, "
              "references, community (also called the loyalty stage).",
              "referral and loyalty programs, community, review requests, NPS surveys, advocacy programs"),
    )
}


@dataclass(frozen=True)
class Framework:
    key: str
    name: str
    # canonical stage -> the framework's word for it
    labels: dict[str, str]
    source: str


FRAMEWORKS: dict[str, Framework] = {
    f.key: f
    for f in (
        Framework("canonical", "Five-stage customer journey",
                  {s: CANONICAL[s].label for s in STAGES}, "HubSpot, via the Chinese/English seed article"),
        Framework("loyalty", "Five phases (with loyalty)",
                  {"awareness": "Awareness", "consideration": "Consideration", "decision": "Decision",
                   "retention": "Retention", "advocacy": "Loyalty"}, "HubSpot customer journey map"),
        Framework("aisas", "AISAS (Dentsu)",
                  {"awareness": "Attention", "consideration": "Interest / Search", "decision": "Action",
                   "retention": "Action (after purchase)", "advocacy": "Share"}, "Chinese B2B article"),
        Framework("apa", "APA (MarketingProfs)",
                  {"awareness": "Awareness", "consideration": "Purchase (building trust)",
                   "decision": "Purchase", "retention": "Advocate (customer)", "advocacy": "Advocate"},
                  "Chinese B2B article"),
        Framework("b2b3", "B2B three stages (awareness, consideration, preference)",
                  {"awareness": "Awareness", "consideration": "Consideration", "decision": "Preference",
                   "retention": "New buying cycle (post-purchase)", "advocacy": "New buying cycle (post-purchase)"},
                  "Chinese B2B article"),
        Framework("purchase5", "Awareness, consideration, decision, purchase, post-purchase",
                  {"awareness": "Awareness", "consideration": "Consideration", "decision": "Decision / Purchase",
                   "retention": "Post-purchase", "advocacy": "Post-purchase (advocates)"},
                  "Chinese customer-journey treasure-map article"),
    )
}


def display(stage: str, framework: str = "canonical") -> str:
    """The stage in the team's framework's words, with the canonical name when they differ."""
    label = FRAMEWORKS[framework].labels[stage]
    canonical = CANONICAL[stage].label
    return label if label == canonical else f"{label} ({canonical})"


__all__ = ["CANONICAL", "FRAMEWORKS", "STAGES", "Framework", "Stage", "display", "parse_stage"]
