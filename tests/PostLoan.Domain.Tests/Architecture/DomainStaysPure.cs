using PostLoan.Domain.Common;

namespace PostLoan.Domain.Tests.Architecture;

/// <summary>
/// The domain is pure C#: it references only the base class library and a few pure computation libraries (QuikGraph for
/// graph algorithms), never EF Core, ASP.NET Core or I/O libraries.
/// </summary>
public class DomainStaysPure
{
    /// <summary>Libraries that only compute (no I/O, no persistence, no web), allowed in the domain.</summary>
    private static readonly string[] PureLibraries = ["QuikGraph"];

    [Fact]
    public void The_domain_assembly_references_only_the_base_class_library_and_pure_computation_libraries()
    {
        var references = typeof(Money).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        var foreign = references.Where(name => !(name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard" || name == "mscorlib" || PureLibraries.Contains(name))).ToList();

        Assert.Empty(foreign);
        Assert.DoesNotContain(references, name => name.Contains("EntityFramework", StringComparison.Ordinal) || name.Contains("AspNetCore", StringComparison.Ordinal));
    }
}
