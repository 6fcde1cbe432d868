using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Calendar;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Ledger.Loans;

/// <summary>A new loan to open (放款), as the API, the UI and imports give it.</summary>
public sealed record NewLoan(
    string Code,
    int CustomerId,
    string ProductCode,
    decimal Principal,
    decimal AnnualRate,
    int TermMonths,
    DateOnly DisbursementDate,
    string? ContractNumber = null,
    string? Purpose = null,
    GuaranteeMethod GuaranteeMethod = GuaranteeMethod.Credit,
    IReadOnlyList<ScheduledInstallment>? Schedule = null);

/// <summary>A repayment to post (还款录入).</summary>
public sealed record PaymentRequest(DateOnly ValueDate, decimal Amount, PaymentKind Kind = PaymentKind.Regular,
    Reamortisation Mode = Reamortisation.ReduceInstallment, string Channel = "counter", string? Reference = null);

/// <summary>A ledger event to record (台账事件) with its approver and reason.</summary>
public sealed record EventRequest(LedgerEventKind Kind, DateOnly EffectiveDate, string Approver, string Reason,
    int? ExtraMonths = null, decimal? NewAnnualRate = null, int? NewTermMonths = null, GuaranteeMethod? NewGuarantee = null, decimal? AssetValue = null);

/// <summary>
/// Opens loans, posts repayments and records ledger events through <see cref="LoanAccount"/>, writing installments,
/// position, transaction, ledger event and journal in one transaction. Postings are on the open business date only.
/// </summary>
public sealed class LoanServicing(PostLoanDbContext db, TimeProvider clock)
{
    /// <summary>The open business date: the day after the last completed close, or today before any close.</summary>
    public async Task<DateOnly> OpenBusinessDateAsync(CancellationToken cancellationToken = default)
    {
        var last = await db.CloseRuns.Where(r => r.State == CloseRunState.Completed).Select(r => (DateOnly?)r.Date).MaxAsync(cancellationToken);
        return last?.AddDays(1) ?? DateOnly.FromDateTime(clock.GetLocalNow().Date);
    }

    /// <summary>Postings stop while the daily close of the open date runs (日终期间暂停交易), so the close never races them.</summary>
    private async Task<Error?> RefuseDuringCloseAsync(DateOnly date, CancellationToken cancellationToken) =>
        await db.CloseRuns.AnyAsync(r => r.Date == date && r.State == CloseRunState.Running, cancellationToken)
            ? Error.Conflict("valueDate", $"the daily close of {date:yyyy-MM-dd} is running; postings resume when it completes")
            : null;

    public async Task<Result<Loan>> OpenAsync(NewLoan request, CancellationToken cancellationToken = default)
    {
        var product = await db.LoanProducts.FirstOrDefaultAsync(p => p.Code == request.ProductCode, cancellationToken);
        if (product is null)
        {
            return Error.Validation("productCode", $"'{request.ProductCode}' is not a loan product");
        }

        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == request.CustomerId, cancellationToken);
        if (customer is null)
        {
            return Error.Validation("customerId", $"customer {request.CustomerId} does not exist or is outside your scope");
        }

        if (await db.Loans.IgnoreQueryFilters().AnyAsync(l => l.Code == request.Code, cancellationToken))
        {
            return Error.Conflict("code", $"loan {request.Code} already exists");
        }

        var open = await OpenBusinessDateAsync(cancellationToken);
        if (request.DisbursementDate != open)
        {
            return Error.Validation("disbursementDate", $"loans are opened on the open business date {open:yyyy-MM-dd}; import older loans with their history");
        }

        if (await RefuseDuringCloseAsync(open, cancellationToken) is { } closing)
        {
            return closing;
        }

        var loan = Build(request, product, customer);
        if (loan.Terms.Validate() is { } invalid)
        {
            return invalid;
        }

        var schedule = request.Schedule ?? ScheduleGenerator.Generate(loan.Terms, product.ShiftHolidays ? await HolidayShiftAsync(cancellationToken) : null);
        var account = LoanAccount.Open(0, loan.Terms, loan.Rules, schedule);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Loans.Add(loan);
        await db.SaveChangesAsync(cancellationToken);
        db.Installments.AddRange(account.Installments.Select(i => new InstallmentRecord
        {
            LoanId = loan.Id, Period = i.Period, DueDate = i.DueDate, Principal = i.Principal, Interest = i.Interest,
        }));
        var position = account.Position;
        position.LoanId = loan.Id;
        db.LoanPositions.Add(LoanPositionColumns.From<LoanPositionRecord>(position));
        db.LoanTransactions.Add(new LoanTransaction
        {
            LoanId = loan.Id, ValueDate = loan.DisbursementDate, Kind = LoanTransactionKind.Disbursement, Amount = loan.Principal,
            Principal = loan.Principal, Channel = "counter", PostedBy = db.CurrentUser.UserName, PostedAt = clock.GetUtcNow(),
        });
        AddEvent(loan.Id, LedgerEventKind.Disbursement, loan.DisbursementDate, null, null, new { loan.Principal, loan.AnnualRate, loan.TermMonths });
        AddJournal(loan, account.Journal);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return loan;
    }

    /// <summary>Builds the loan row from a request (used by imports too); terms and rules copied from the product.</summary>
    public static Loan Build(NewLoan request, LoanProduct product, Customer customer) => new()
    {
        Code = request.Code.Trim(),
        ContractNumber = request.ContractNumber,
        CustomerId = customer.Id,
        ProductId = product.Id,
        OrganisationId = customer.OrganisationId,
        OrganisationPath = customer.OrganisationPath,
        AccountManagerId = customer.AccountManagerId,
        Principal = request.Principal,
        AnnualRate = request.AnnualRate,
        TermMonths = request.TermMonths,
        Method = product.Method,
        InterestFrequency = product.InterestFrequency,
        DisbursementDate = request.DisbursementDate,
        MaturityDate = DueDates.After(request.DisbursementDate, request.TermMonths),
        PenaltyMarkup = product.PenaltyMarkup,
        GraceDays = product.GraceDays,
        AllocationOrder = product.AllocationOrder,
        Purpose = request.Purpose,
        GuaranteeMethod = request.GuaranteeMethod,
    };

    /// <summary>Loads a loan's servicing account; null when the loan is outside the caller's scope or absent.</summary>
    public async Task<(Loan Loan, LoanAccount Account)?> LoadAsync(long loanId, CancellationToken cancellationToken = default)
    {
        var loan = await db.Loans.FirstOrDefaultAsync(l => l.Id == loanId, cancellationToken);
        if (loan is null)
        {
            return null;
        }

        var installments = await db.Installments.Where(i => i.LoanId == loanId).OrderBy(i => i.Period).ToListAsync(cancellationToken);
        var position = await db.LoanPositions.FirstAsync(p => p.LoanId == loanId, cancellationToken);
        var account = LoanAccount.Restore(loan.Id, loan.Terms, loan.Rules, installments.Select(i => new InstallmentState
        {
            Period = i.Period, DueDate = i.DueDate, Principal = i.Principal, Interest = i.Interest, PrincipalPaid = i.PrincipalPaid, InterestPaid = i.InterestPaid,
        }), position.ToPosition(loan));
        return (loan, account);
    }

    /// <summary>Posts a repayment; refused (nothing written) when it is not on the open business date or exceeds the payoff.</summary>
    public async Task<Result<LoanTransaction>> PayAsync(long loanId, PaymentRequest request, CancellationToken cancellationToken = default)
    {
        var loaded = await LoadAsync(loanId, cancellationToken);
        if (loaded is not { } found)
        {
            return Error.NotFound("loan", $"loan {loanId} does not exist or is outside your scope");
        }

        var (loan, account) = found;
        var open = await OpenBusinessDateAsync(cancellationToken);
        if (request.ValueDate != open)
        {
            return Error.Validation("valueDate", $"repayments are posted on the open business date {open:yyyy-MM-dd}");
        }

        if (await RefuseDuringCloseAsync(open, cancellationToken) is { } closing)
        {
            return closing;
        }

        if (request.Reference is { } reference && await db.LoanTransactions.AnyAsync(t => t.LoanId == loanId && t.Reference == reference, cancellationToken))
        {
            return Error.Conflict("reference", $"a transaction with reference {reference} was already posted on this loan");
        }

        var journalBefore = account.Journal.Count;
        var paid = account.Pay(request.ValueDate, request.Amount, request.Kind, request.Mode);
        if (!paid.IsSuccess)
        {
            return paid.Error!;
        }

        var allocation = paid.Value!;
        var kind = allocation.SettlesLoan ? LoanTransactionKind.Payoff
            : request.Kind == PaymentKind.PartPrincipal ? LoanTransactionKind.PartPrepayment
            : request.Channel == "asset" ? LoanTransactionKind.DebtForAsset
            : LoanTransactionKind.Repayment;
        var transaction = new LoanTransaction
        {
            LoanId = loanId, ValueDate = request.ValueDate, Kind = kind, Amount = allocation.Amount, Penalty = allocation.Penalty,
            Compound = allocation.Compound, Interest = allocation.Interest, Principal = allocation.Principal, Channel = request.Channel,
            Reference = request.Reference, PostedBy = db.CurrentUser.UserName, PostedAt = clock.GetUtcNow(),
        };
        await using var dbTransaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.LoanTransactions.Add(transaction);
        AddEvent(loanId, allocation.SettlesLoan ? LedgerEventKind.Settlement : kind == LoanTransactionKind.DebtForAsset ? LedgerEventKind.DebtForAsset : LedgerEventKind.Repayment,
            request.ValueDate, null, null, allocation);
        if (allocation.SettlesLoan)
        {
            // 清户撤押: the loan's collateral that secures no other open loan is released with the settling payment.
            await CreditSupport.CreditSupportService.ReleaseOnSettlementAsync(db, loanId, request.ValueDate, cancellationToken);
        }

        await SaveAccountAsync(loan, account, journalBefore, cancellationToken);
        await dbTransaction.CommitAsync(cancellationToken);
        return transaction;
    }

    /// <summary>Records an extension, rate change, guarantee change, restructuring, debt-for-asset or write-off.</summary>
    public async Task<Result<LedgerEvent>> RecordAsync(long loanId, EventRequest request, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(request.Approver))
        {
            return Error.Validation("approver", "is required");
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            return Error.Validation("reason", "is required");
        }

        if (string.Equals(request.Approver.Trim(), db.CurrentUser.UserName, StringComparison.OrdinalIgnoreCase))
        {
            return Error.Validation("approver", "must be another person than the one recording the event (two-person rule)");
        }

        var loaded = await LoadAsync(loanId, cancellationToken);
        if (loaded is not { } found)
        {
            return Error.NotFound("loan", $"loan {loanId} does not exist or is outside your scope");
        }

        var (loan, account) = found;
        var open = await OpenBusinessDateAsync(cancellationToken);
        if (request.EffectiveDate != open)
        {
            return Error.Validation("effectiveDate", $"events take effect on the open business date {open:yyyy-MM-dd}");
        }

        if (await RefuseDuringCloseAsync(open, cancellationToken) is { } closing)
        {
            return closing;
        }

        var journalBefore = account.Journal.Count;
        object? detail;
        switch (request.Kind)
        {
            case LedgerEventKind.Extension:
                var extended = account.Extend(request.EffectiveDate, request.ExtraMonths ?? 0);
                if (!extended.IsSuccess)
                {
                    return extended.Error!;
                }

                loan.TermMonths = account.Terms.TermMonths;
                loan.MaturityDate = account.Terms.MaturityDate;
                detail = new { request.ExtraMonths, loan.MaturityDate };
                break;
            case LedgerEventKind.RateChange:
                var changed = account.ChangeRate(request.EffectiveDate, request.NewAnnualRate ?? -1m);
                if (!changed.IsSuccess)
                {
                    return changed.Error!;
                }

                detail = new { OldAnnualRate = loan.AnnualRate, NewAnnualRate = request.NewAnnualRate };
                loan.AnnualRate = account.Terms.AnnualRate;
                break;
            case LedgerEventKind.Restructuring:
                var restructured = account.Restructure(request.EffectiveDate, request.NewAnnualRate ?? loan.AnnualRate, request.NewTermMonths ?? loan.TermMonths);
                if (!restructured.IsSuccess)
                {
                    return restructured.Error!;
                }

                loan.AnnualRate = account.Terms.AnnualRate;
                loan.TermMonths = account.Terms.TermMonths;
                loan.MaturityDate = account.Terms.MaturityDate;
                detail = new { loan.AnnualRate, loan.TermMonths, loan.MaturityDate };
                break;
            case LedgerEventKind.WriteOff:
                var written = account.WriteOff(request.EffectiveDate);
                if (!written.IsSuccess)
                {
                    return written.Error!;
                }

                detail = new { PrincipalWrittenOff = written.Value };
                break;
            case LedgerEventKind.GuaranteeChange:
                if (request.NewGuarantee is not { } guarantee)
                {
                    return Error.Validation("newGuarantee", "is required");
                }

                detail = new { Old = loan.GuaranteeMethod, New = guarantee };
                loan.GuaranteeMethod = guarantee;
                break;
            case LedgerEventKind.DebtForAsset:
                if (request.AssetValue is not { } value)
                {
                    return Error.Validation("assetValue", "is required");
                }

                var paid = await PayAsync(loanId, new PaymentRequest(request.EffectiveDate, value, Channel: "asset"), cancellationToken);
                if (!paid.IsSuccess)
                {
                    return paid.Error!;
                }

                var assetEvent = await db.LedgerEvents.OrderByDescending(e => e.Id).FirstAsync(e => e.LoanId == loanId, cancellationToken);
                assetEvent.Approver = request.Approver.Trim();
                assetEvent.Reason = request.Reason.Trim();
                await db.SaveChangesAsync(cancellationToken);
                return assetEvent;
            default:
                return Error.Validation("kind", $"{request.Kind} is not recorded by hand");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var entry = AddEvent(loanId, request.Kind, request.EffectiveDate, request.Approver.Trim(), request.Reason.Trim(), detail);
        await SaveAccountAsync(loan, account, journalBefore, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return entry;
    }

    /// <summary>Writes the account's installments, position and new journal lines back.</summary>
    private async Task SaveAccountAsync(Loan loan, LoanAccount account, int journalFrom, CancellationToken cancellationToken)
    {
        var stored = await db.Installments.Where(i => i.LoanId == loan.Id).ToDictionaryAsync(i => i.Period, cancellationToken);
        foreach (var installment in account.Installments)
        {
            if (!stored.Remove(installment.Period, out var row))
            {
                row = new InstallmentRecord { LoanId = loan.Id, Period = installment.Period, DueDate = installment.DueDate };
                db.Installments.Add(row);
            }

            row.Principal = installment.Principal;
            row.Interest = installment.Interest;
            row.PrincipalPaid = installment.PrincipalPaid;
            row.InterestPaid = installment.InterestPaid;
        }

        db.Installments.RemoveRange(stored.Values);
        var position = await db.LoanPositions.FirstAsync(p => p.LoanId == loan.Id, cancellationToken);
        position.CopyFrom(account.Position);
        AddJournal(loan, account.Journal.Skip(journalFrom));
        await db.SaveChangesAsync(cancellationToken);
    }

    private LedgerEvent AddEvent(long loanId, LedgerEventKind kind, DateOnly date, string? approver, string? reason, object? detail)
    {
        var entry = new LedgerEvent
        {
            LoanId = loanId, Kind = kind, EffectiveDate = date, Approver = approver, Reason = reason,
            Detail = detail is null ? null : JsonSerializer.Serialize(detail), RecordedBy = db.CurrentUser.UserName, RecordedAt = clock.GetUtcNow(),
        };
        db.LedgerEvents.Add(entry);
        return entry;
    }

    private void AddJournal(Loan loan, IEnumerable<JournalPosting> postings)
    {
        foreach (var posting in postings)
        {
            db.JournalEntries.Add(new JournalEntry
            {
                Date = posting.Date, LoanId = loan.Id, OrganisationId = loan.OrganisationId, Kind = posting.Kind,
                DebitAccount = posting.DebitAccount, CreditAccount = posting.CreditAccount, Amount = posting.Amount,
            });
        }
    }

    private async Task<Func<DateOnly, DateOnly>> HolidayShiftAsync(CancellationToken cancellationToken)
    {
        var days = new WorkingDays(await db.CalendarDays.AsNoTracking().ToListAsync(cancellationToken));
        return days.NextWorkingDayOnOrAfter;
    }

    /// <summary>Formats an amount the way the ledger prints it.</summary>
    public static string Format(decimal amount) => Money.RoundCents(amount).ToString("#,0.00", CultureInfo.InvariantCulture);
}
