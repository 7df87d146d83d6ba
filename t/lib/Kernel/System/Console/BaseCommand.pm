# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::Console::BaseCommand;

# CI stand-in for the OTRS 6 console command base class (doc/dev/DESIGN.md,
# "Console command structure" and "Console Execute"). Kept behaviours: Configure runs in new() inside an eval;
# Execute parses the global options (--help, --no-ansi, --quiet,
# --allow-root), refuses root without --allow-root (exit 1), switches the
# in-memory cache off, prints usage to STDOUT for --help (0) and to STDERR on
# bad options (1, with the real messages), runs PreRun/Run/PostRun with the
# same die handling, and complains about an undefined exit code. Print goes
# to STDOUT and is silenced by --quiet; PrintError writes "Error: ..." to
# STDERR and never is. Colour tags become ANSI codes only when ANSI is on.

use strict;
use warnings;

use Getopt::Long();

our @ObjectDependencies = (
    'Kernel::Config',
    'Kernel::System::Cache',
    'Kernel::System::Log',
);

our $ObjectManagerDisabled = 1;
our $SuppressANSI          = 0;

my %Colors = (
    red    => "\e[31m",
    green  => "\e[32m",
    yellow => "\e[33m",
);

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = bless {}, $Type;
    $Self->{ANSI}           = ( -t STDOUT ) ? 1 : 0;    ## no critic
    $Self->{_Options}       = [];
    $Self->{_OptionsByName} = {};
    $Self->{_Arguments}     = [];
    $Self->{_GlobalOptions} = [
        {
            Name        => 'help',
            Description => 'Display help for this command.'
        },
        {
            Name        => 'no-ansi',
            Description => 'Do not perform ANSI terminal output coloring.'
        },
        {
            Name        => 'quiet',
            Description => 'Suppress informative output, only retain error messages.'
        },
        {
            Name        => 'allow-root',
            Description => 'Allow root user to execute the command.',
            Invisible   => 1
        },
    ];

    eval { $Self->Configure(); };
    if ($@) {
        $Self->PrintError($@);
        return $Self;
    }
    $Self->{_ConfigureSuccessful} = 1;
    return $Self;
}

sub Configure {
    my ( $Self, %Param ) = @_;

    return;
}

sub Name {
    my ( $Self, %Param ) = @_;

    my $Name = ref $Self;
    $Name =~ s{\A Kernel::System::Console::Command:: }{}smx;
    return $Name;
}

sub Description {
    my ( $Self, $Description ) = @_;

    $Self->{Description} = $Description if defined $Description;
    return $Self->{Description};
}

sub AdditionalHelp {
    my ( $Self, $AdditionalHelp ) = @_;

    $Self->{AdditionalHelp} = $AdditionalHelp if defined $AdditionalHelp;
    return $Self->{AdditionalHelp};
}

sub AddArgument {
    my ( $Self, %Param ) = @_;

    for my $Key (qw(Name Description Required ValueRegex)) {
        die "Need $Key.\n" if !defined $Param{$Key};
    }
    die "Multiple definition of argument $Param{Name} in command " . $Self->Name() . ".\n"
        if $Self->{_OptionsByName}->{ $Param{Name} };
    push @{ $Self->{_Arguments} }, \%Param;
    $Self->{_OptionsByName}->{ $Param{Name} } = \%Param;
    return;
}

sub AddOption {
    my ( $Self, %Param ) = @_;

    for my $Key (qw(Name Description Required HasValue)) {
        die "Need $Key.\n" if !defined $Param{$Key};
    }
    die "Need ValueRegex.\n"                                    if $Param{HasValue} && !$Param{ValueRegex};
    die "Multiple can only be specified if HasValue is true.\n" if $Param{Multiple} && !$Param{HasValue};
    die "Multiple definition of option $Param{Name} in command " . $Self->Name() . ".\n"
        if $Self->{_OptionsByName}->{ $Param{Name} };
    push @{ $Self->{_Options} }, \%Param;
    $Self->{_OptionsByName}->{ $Param{Name} } = \%Param;
    return;
}

sub GetOption {
    my ( $Self, $Option ) = @_;

    if ( !$Self->{_OptionsByName}->{$Option} ) {
        $Self->PrintError("Could not find option '$Option'.");
        return;
    }
    return $Self->{_ParsedARGV}->{Options}->{$Option};
}

sub GetArgument {
    my ( $Self, $Argument ) = @_;

    return $Self->{_ParsedARGV}->{Arguments}->{$Argument};
}

sub PreRun {
    return;
}

sub Run {
    my ( $Self, %Param ) = @_;

    return $Self->ExitCodeOk();
}

sub PostRun {
    return;
}

sub Execute {
    my ( $Self, @CommandlineArguments ) = @_;

    # OTRS's Kernel::System::Encode puts STDOUT and STDERR in UTF-8 mode when the
    # object manager starts; commands print character strings.
    for my $Handle ( \*STDOUT, \*STDERR ) {
        if ( !grep {m{utf8|encoding}smx} PerlIO::get_layers($Handle) ) {
            binmode $Handle, ':utf8';
        }
    }

    my $ParsedGlobalOptions = $Self->_ParseGlobalOptions( \@CommandlineArguments );

    if ( !$ParsedGlobalOptions->{'allow-root'} && $> == 0 ) {
        $Self->PrintError(
            "You cannot run otrs.Console.pl as root. Please run it as the 'otrs' user or with the help of su:"
        );
        $Self->Print("  <yellow>su -c \"bin/otrs.Console.pl MyCommand\" -s /bin/bash otrs</yellow>\n");
        return $Self->ExitCodeError();
    }

    $Kernel::OM->Get('Kernel::System::Cache')->Configure( CacheInMemory => 0 );

    if ( !$Self->{_ConfigureSuccessful} ) {
        $Self->PrintError('Aborting because the command was not successfully configured.');
        return $Self->ExitCodeError();
    }
    if ( $ParsedGlobalOptions->{'no-ansi'} ) {
        $Self->ANSI(0);
    }
    if ( $ParsedGlobalOptions->{help} ) {
        print "\n" . $Self->GetUsageHelp();
        return $Self->ExitCodeOk();
    }
    $Self->{Quiet} = $ParsedGlobalOptions->{quiet} ? 1 : 0;

    $Self->{_ParsedARGV} = $Self->_ParseCommandlineArguments( \@CommandlineArguments );
    if ( !%{ $Self->{_ParsedARGV} // {} } ) {
        print STDERR "\n" . $Self->GetUsageHelp();
        return $Self->ExitCodeError();
    }

    eval { $Self->PreRun(); };
    if ($@) {
        $Self->PrintError($@);
        return $Self->ExitCodeError();
    }

    my $ExitCode;
    eval { $ExitCode = $Self->Run(); };
    if ($@) {
        $Self->PrintError($@);
        $ExitCode = $Self->ExitCodeError();
    }

    eval { $Self->PostRun(); };
    if ($@) {
        $Self->PrintError($@);
        $ExitCode ||= $Self->ExitCodeError();
    }

    if ( !defined $ExitCode ) {
        $Self->PrintError( 'Command ' . $Self->Name() . ' did not return a proper exit code.' );
        $ExitCode = $Self->ExitCodeError();
    }
    return $ExitCode;
}

sub ExitCodeError {
    my ( $Self, $CustomExitCode ) = @_;

    return $CustomExitCode // 1;
}

sub ExitCodeOk {
    return 0;
}

sub GetUsageHelp {
    my ( $Self, %Param ) = @_;

    my $Text = ( $Self->Description() // '' ) . "\n\n<yellow>Usage:</yellow>\n otrs.Console.pl " . $Self->Name();
    for my $Option ( @{ $Self->{_Options} } ) {
        my $Shown = "--$Option->{Name}" . ( $Option->{HasValue} ? ' ...' : '' );
        $Shown .= " ($Shown)" if $Option->{Multiple};
        $Text  .= $Option->{Required} ? " $Shown" : " [$Shown]";
    }
    for my $Argument ( @{ $Self->{_Arguments} } ) {
        $Text .= $Argument->{Required} ? " $Argument->{Name}" : " [$Argument->{Name}]";
    }
    $Text .= "\n";

    if ( @{ $Self->{_Arguments} } ) {
        $Text .= "\n<yellow>Arguments:</yellow>\n";
        for my $Argument ( @{ $Self->{_Arguments} } ) {
            $Text .= sprintf " %-30s - %s\n", $Argument->{Name}, $Argument->{Description};
        }
    }
    $Text .= "\n<yellow>Options:</yellow>\n";
    for my $Option ( @{ $Self->{_Options} }, grep { !$_->{Invisible} } @{ $Self->{_GlobalOptions} } ) {
        my $Shown = "--$Option->{Name}" . ( $Option->{HasValue} ? ' ...' : '' );
        $Shown = "[$Shown]" if !$Option->{Required};
        $Text .= sprintf " %-30s - %s\n", $Shown, $Option->{Description};
    }
    if ( $Self->AdditionalHelp() ) {
        $Text .= "\n" . $Self->AdditionalHelp() . "\n";
    }
    return $Self->_ReplaceColorTags($Text);
}

sub ANSI {
    my ( $Self, $ANSI ) = @_;

    $Self->{ANSI} = $ANSI if defined $ANSI;
    return $Self->{ANSI};
}

sub PrintError {
    my ( $Self, $Text ) = @_;

    chomp $Text;
    print STDERR $Self->_Color( 'red', "Error: $Text\n" );
    return;
}

sub Print {
    my ( $Self, $Text ) = @_;

    if ( !$Self->{Quiet} ) {
        print $Self->_ReplaceColorTags($Text);
    }
    return;
}

sub TableOutput {
    my ( $Self, %Param ) = @_;

    my @Header = @{ $Param{TableData}->{Header} || [] };
    my @Body   = @{ $Param{TableData}->{Body}   || [] };
    my $Indent = ' ' x ( $Param{Indention} || 0 );

    my @Width = map {length} @Header;
    for my $Row (@Body) {
        for my $Index ( 0 .. $#{$Row} ) {
            my $Length = length( $Row->[$Index] // '' );
            $Width[$Index] = $Length if !defined $Width[$Index] || $Length > $Width[$Index];
        }
    }
    my $Line   = $Indent . '+' . join( '+', map { '-' x ( $_ + 2 ) } @Width ) . "+\n";
    my $Format = sub {
        my @Cells = @_;
        return $Indent . '|' . join( '|', map { sprintf ' %-*s ', $Width[$_], $Cells[$_] // '' } 0 .. $#Width )
            . "|\n";
    };
    my $Output = $Line;
    if (@Header) {
        $Output .= $Format->(@Header) . $Line;
    }
    for my $Row (@Body) {
        $Output .= $Format->( @{$Row} );
    }
    $Output .= $Line;
    return $Output;
}

sub _ParseGlobalOptions {
    my ( $Self, $Arguments ) = @_;

    my %Parsed;
    Getopt::Long::Configure('pass_through');
    Getopt::Long::Configure('no_auto_abbrev');
    Getopt::Long::GetOptionsFromArray(
        $Arguments,
        map { ( $_->{Name} => \$Parsed{ $_->{Name} } ) } @{ $Self->{_GlobalOptions} },
    );
    return \%Parsed;
}

sub _ParseCommandlineArguments {
    my ( $Self, $Arguments ) = @_;

    my @Arguments = @{$Arguments};
    my %Options;
    Getopt::Long::Configure('pass_through');
    Getopt::Long::Configure('no_auto_abbrev');

    for my $Option ( @{ $Self->{_Options} } ) {
        my $Value;
        my $Spec = $Option->{Name} . ( $Option->{HasValue} ? ( $Option->{Multiple} ? '=s@' : '=s' ) : '' );
        Getopt::Long::GetOptionsFromArray( \@Arguments, $Spec => \$Value );
        if ( !defined $Value ) {
            if ( $Option->{Required} ) {
                $Self->PrintError("please provide option '--$Option->{Name}'.");
                return {};
            }
            next;
        }
        if ( $Option->{HasValue} ) {
            for my $Item ( ref $Value ? @{$Value} : ($Value) ) {
                if ( $Item !~ $Option->{ValueRegex} ) {
                    $Self->PrintError("please provide a valid value for option '--$Option->{Name}'.");
                    return {};
                }
            }
        }
        $Options{ $Option->{Name} } = $Value;
    }

    my %ArgumentValues;
    for my $Argument ( @{ $Self->{_Arguments} } ) {
        my $Value = shift @Arguments;
        if ( !defined $Value || $Value =~ m{\A --}smx ) {
            unshift @Arguments, $Value if defined $Value;
            if ( $Argument->{Required} ) {
                $Self->PrintError("please provide a value for argument '$Argument->{Name}'.");
                return {};
            }
            next;
        }
        if ( $Value !~ $Argument->{ValueRegex} ) {
            $Self->PrintError("please provide a valid value for argument '$Argument->{Name}'.");
            return {};
        }
        $ArgumentValues{ $Argument->{Name} } = $Value;
    }

    if (@Arguments) {
        $Self->PrintError( "found unknown arguments on the command line ('" . join( ' ', @Arguments ) . "').\n" );
        return {};
    }
    return {
        Options   => \%Options,
        Arguments => \%ArgumentValues,
    };
}

sub _Color {
    my ( $Self, $Color, $Text ) = @_;

    return $Text if !$Self->{ANSI} || $SuppressANSI;
    return $Colors{$Color} . $Text . "\e[0m";
}

sub _ReplaceColorTags {
    my ( $Self, $Text ) = @_;

    $Text =~ s{<(green|yellow|red)>(.*?)</\1>}{$Self->_Color($1, $2)}smxeg;
    return $Text;
}

1;
