using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Administration;

/// <summary>Maintains the organisation tree (机构管理): creation under a parent within scope, renaming, (de)activation.</summary>
public sealed class OrganisationService(PostLoanDbContext db)
{
    /// <summary>Creates an organisation; a root (head office) only when none exists, otherwise under a visible parent.</summary>
    public async Task<Result<Organisation>> CreateAsync(string code, string name, int? parentId, CancellationToken cancellationToken = default)
    {
        if (Validate(code, name) is { } invalid)
        {
            return invalid;
        }

        Organisation? parent = null;
        if (parentId is { } id)
        {
            parent = await db.Organisations.FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
            if (parent is null)
            {
                return Error.NotFound("organisation.parent_not_found", $"parentId: organisation {id} does not exist or is outside your scope");
            }

            if (parent.Level == OrganisationLevel.SubBranch)
            {
                return Error.Validation("organisation.too_deep", "parentId: a sub-branch (支行) cannot have children");
            }
        }
        else if (await db.Organisations.IgnoreQueryFilters().AnyAsync(o => o.ParentId == null, cancellationToken))
        {
            return Error.Validation("organisation.parent_required", "parentId: the head office exists already; choose a parent");
        }

        if (await db.Organisations.IgnoreQueryFilters().AnyAsync(o => o.Code == code, cancellationToken))
        {
            return Error.Conflict("organisation.code_taken", $"code: '{code}' is used by another organisation");
        }

        var organisation = new Organisation
        {
            Code = code.Trim(),
            Name = name.Trim(),
            ParentId = parent?.Id,
            Level = parent is null ? OrganisationLevel.HeadOffice : parent.Level + 1,
        };

        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        db.Organisations.Add(organisation);
        await db.SaveChangesAsync(cancellationToken);
        organisation.Path = Organisation.ChildPath(parent?.Path, organisation.Id);
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return organisation;
    }

    /// <summary>Renames or (de)activates an organisation in scope.</summary>
    public async Task<Result<Organisation>> UpdateAsync(int id, string name, bool isActive, CancellationToken cancellationToken = default)
    {
        var organisation = await db.Organisations.FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (organisation is null)
        {
            return Error.NotFound("organisation.not_found", $"organisation {id} does not exist or is outside your scope");
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            return Error.Validation("organisation.name", "name: required, at most 100 characters");
        }

        if (!isActive && await db.Organisations.AnyAsync(o => o.ParentId == id && o.IsActive, cancellationToken))
        {
            return Error.Validation("organisation.has_active_children", "isActive: deactivate the children first");
        }

        organisation.Name = name.Trim();
        organisation.IsActive = isActive;
        await db.SaveChangesAsync(cancellationToken);
        return organisation;
    }

    private static Error? Validate(string code, string name)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Length > 32 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return Error.Validation("organisation.code", "code: required, at most 32 letters, digits, '-' or '_'");
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            return Error.Validation("organisation.name", "name: required, at most 100 characters");
        }

        return null;
    }
}
