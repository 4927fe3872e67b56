"""Payment eligibility after go-live: policy profiles, the goods classifier, the assessment."""

from mapper.policy.classify import class_labels, lexicon
from mapper.policy.eligibility import assess
from mapper.policy.model import REASONS, Policy, PolicyRule, load_policy, shipped_profiles

__all__ = [
    "REASONS",
    "Policy",
    "PolicyRule",
    "assess",
    "class_labels",
    "lexicon",
    "load_policy",
    "shipped_profiles",
]
