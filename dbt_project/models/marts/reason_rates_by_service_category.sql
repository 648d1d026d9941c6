-- Why upheld items of each DWC service category were upheld: the share giving each reason.
{{ reason_rates(['service_category']) }}
