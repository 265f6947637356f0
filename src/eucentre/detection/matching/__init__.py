"""The matching service a provider runs (`eucentre detection serve`): it receives vouchers
per account over HTTP, keeps them as received, opens only what the protocol lets it open,
and reports to the Centre through the reports API once an account reveals."""
