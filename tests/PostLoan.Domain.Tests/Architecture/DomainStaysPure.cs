using PostLoan.Domain.Common;

namespace PostLoan.Domain.Tests.Architecture;

/// <summary>The domain is pure C#: it references only the base class library, never EF Core, ASP.NET Core or I/O libraries.</summary>
public class DomainStaysPure
{
    [Fact]
    public void The_domain_assembly_references_only_the_base_class_library()
    {
        var references = typeof(Money).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        var foreign = references.Where(name => !(name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard" || name == "mscorlib")).ToList();

        Assert.Empty(foreign);
        Assert.DoesNotContain(references, name => name.Contains("EntityFramework", StringComparison.Ordinal) || name.Contains("AspNetCore", StringComparison.Ordinal));
    }
}
