-- Why upheld items of each DWC subcategory (within its category) were upheld: the share giving each reason.
{{ reason_rates(['service_category', 'service_subcategory']) }}
