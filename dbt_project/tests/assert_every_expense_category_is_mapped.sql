-- Every ERP expense category is in the expense_categories seed (a new one is a decision to
-- make, not spend that silently drops out of CAC). Rows returned are failures.
select distinct expenses.category
from {{ ref('stg_erp__expenses') }} as expenses
left join {{ ref('expense_categories') }} as categories
    on expenses.category = categories.category
where expenses.category is not null and categories.category is null
