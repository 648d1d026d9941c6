-- Why upheld medicines of each drug class were upheld: the share giving each reason.
{{ reason_rates(['drug_class'], where='drug_class is not null') }}
