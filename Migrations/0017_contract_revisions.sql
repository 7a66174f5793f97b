-- 0017_contract_revisions: a contract that revises another (help cm/workflow/05_api_contract_wf.htm,
-- contracts/m_contracts_requestContract.htm): requesting a contract for an app version, API version
-- and environment whose contract is active starts a new contract with @Revise; the existing one
-- stays in place until the revision is activated, which cancels it. revision_of is the ContractID
-- revised (NULL for a contract started with @Create). Not a foreign key, like the ids of 0009.
-- Never edit this file once released: add 0018_*.sql instead.

ALTER TABLE contracts ADD COLUMN revision_of TEXT;
