using Microsoft.AspNetCore.Http.HttpResults;
using MiniExcelLibs;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Ledger.Reminders;
using PostLoan.Infrastructure.Ledger.Reminders;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Ledger;

/// <summary>
/// Borrower notices API (还款提醒 / 催收通知书 / 履行担保责任通知书): the notices the daily close issued, in the caller's data
/// scope; staff read and export them, clerks, account managers, collectors and administrators record delivery or cancel.
/// </summary>
public static class NoticeApi
{
    /// <summary>Roles that record a notice's delivery.</summary>
    public static readonly string[] DeliveryRoles = [Roles.Administrator, Roles.InformationClerk, Roles.AccountManager, Roles.Collector];

    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static void MapNoticeApi(this RouteGroupBuilder api)
    {
        var notices = api.MapGroup("/notices").WithTags("Notices");
        notices.MapGet("", async (NoticeState? state, NoticeKind? kind, DateOnly? from, DateOnly? to, bool? pastDeadline, NoticeService service, TimeProvider clock, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(Filter(state, kind, from, to, pastDeadline, clock), cancellationToken: ct)))
            .RequireAuthorization(Policies.Staff);

        notices.MapGet("/export", async (NoticeState? state, NoticeKind? kind, DateOnly? from, DateOnly? to, bool? pastDeadline, NoticeService service, TimeProvider clock, CancellationToken ct) =>
        {
            var rows = await service.ListAsync(Filter(state, kind, from, to, pastDeadline, clock), 5000, ct);
            return TypedResults.File(Workbook(rows), Xlsx, "notices.xlsx");
        }).RequireAuthorization(Policies.Staff);

        notices.MapPost("/sent", async Task<Results<Ok<int>, ProblemHttpResult>> (NoticeDeliveryInput input, NoticeService service, CancellationToken ct) =>
        {
            var done = await service.MarkSentAsync(input.Ids ?? [], input.Channel, ct);
            return done.IsSuccess ? TypedResults.Ok(done.Value) : ProblemResults.From(done.Error!);
        }).RequireAuthorization(p => p.RequireRole(DeliveryRoles));

        notices.MapPost("/cancelled", async Task<Results<Ok<int>, ProblemHttpResult>> (NoticeCancelInput input, NoticeService service, CancellationToken ct) =>
        {
            var done = await service.CancelAsync(input.Ids ?? [], input.Reason, ct);
            return done.IsSuccess ? TypedResults.Ok(done.Value) : ProblemResults.From(done.Error!);
        }).RequireAuthorization(p => p.RequireRole(DeliveryRoles));
    }

    /// <summary>The list filter; "past deadline" is judged on today's date.</summary>
    public static NoticeFilter Filter(NoticeState? state, NoticeKind? kind, DateOnly? from, DateOnly? to, bool? pastDeadline, TimeProvider clock) =>
        new(state, kind, from, to, pastDeadline == true, DateOnly.FromDateTime(clock.GetLocalNow().Date));

    /// <summary>The notices as an Excel workbook (one sheet, Chinese headers).</summary>
    public static byte[] Workbook(IEnumerable<NoticeItem> rows)
    {
        var sheet = rows.Select(n => new Dictionary<string, object?>
        {
            ["通知类型"] = KindName(n.Kind),
            ["借据号"] = n.LoanCode,
            ["借款人"] = n.CustomerName,
            ["收件人"] = n.RecipientName,
            ["期次"] = n.Period,
            ["应还日"] = n.DueDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["金额"] = n.Amount,
            ["生成日"] = n.IssuedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["送达期限"] = n.Deadline.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["状态"] = n.State switch { NoticeState.Pending => "待送达", NoticeState.Sent => "已送达", _ => "已取消" },
            ["送达方式"] = n.Channel,
        }).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(sheet);
        return stream.ToArray();
    }

    /// <summary>The Chinese name of a notice kind (for the workbook).</summary>
    public static string KindName(NoticeKind kind) => kind switch
    {
        NoticeKind.DueReminder => "还款提醒",
        NoticeKind.MaturityNotice => "到期通知",
        NoticeKind.InterestReminder => "付息提醒",
        NoticeKind.OverdueNotice => "催收通知书",
        NoticeKind.GuaranteeNotice => "履行担保责任通知书",
    };
}

/// <summary>Body of <c>POST /api/notices/sent</c>: the notices delivered and how.</summary>
public sealed record NoticeDeliveryInput(List<long>? Ids, string? Channel);

/// <summary>Body of <c>POST /api/notices/cancelled</c>.</summary>
public sealed record NoticeCancelInput(List<long>? Ids, string? Reason);
