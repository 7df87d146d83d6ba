# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (AGPL). If you
# did not receive this file, see https://www.gnu.org/licenses/agpl.txt.
# --

package SalesForce::XS::Native;

use strict;
use warnings;

use Config         ();
use File::Basename qw(dirname);
use File::Spec;

our $VERSION = '6.4.0';

# The oldest glibc every shipped shared object loads on (tools/check-glibc enforces it).
our $GlibcBaseline = '2.17';

=head1 NAME

SalesForce::XS::Native - find and load the native part that fits the running Perl

=head1 SYNOPSIS

    use SalesForce::XS::Native;

    my $Key = SalesForce::XS::Native::Key();    # '5.36-x86_64-linux-thread-multi'
    SalesForce::XS::Native::Load( 'SalesForce::XS', '6.4.0' );

=head1 DESCRIPTION

The native part of C<SalesForce::XS> has two layers, both under
C<auto/SalesForce/XS/> of a library directory (in OTRS: C<Kernel/cpan-lib>):

    auto/SalesForce/XS/libsfclient.so                   the Rust core (C ABI, one for every Perl)
    auto/SalesForce/XS/<key>/XS.so                      the XS glue, one per Perl ABI

Each glue finds the core through its run path (C<$ORIGIN/..>). Perl cannot
survive loading a glue built for another Perl: its handshake check ends the
process, out of reach of C<eval>. So the glue is chosen by its key before
anything is loaded, and Perl's handshake only confirms the choice. When no
glue fits, L</Load()> dies with one line naming this Perl and the builds that
are there.

Pure Perl, loads nothing native: build tools use L</Key()> to name the glue
they build for a given interpreter.

=head1 PUBLIC INTERFACE

=head2 Key()

The binary-compatibility key of a Perl: API version (major.minor: every
5.NN.x of a stable series shares one ABI), CPU and OS, threads, and the
options that change the interpreter's layout (long doubles, quadmath, 32-bit
IVs, a DEBUGGING build). Without arguments, of the running Perl; or pass
C<%Config>-like values.

    my $Key = SalesForce::XS::Native::Key();
    my $Key = SalesForce::XS::Native::Key( %Config );    # '5.30-x86_64-linux-thread-multi'

=cut

sub Key {
    my (%Param) = @_;

    my %Config = %Param ? %Param : %Config::Config;

    my $Key = sprintf '%d.%d-%s', $Config{api_revision}, $Config{api_version}, $Config{myarchname};
    if ( $Config{useithreads} ) {
        $Key .= '-thread-multi';
    }
    elsif ( $Config{usemultiplicity} ) {
        $Key .= '-multi';
    }
    $Key .= '-ld'       if $Config{uselongdouble};
    $Key .= '-quadmath' if $Config{usequadmath};
    $Key .= '-32int'    if ( $Config{ivsize}  // 8 ) < 8;
    $Key .= '-debug'    if ( $Config{ccflags} // '' ) =~ m{ -DDEBUGGING \b }xms;

    return $Key;
}

=head2 Describe()

This Perl in words, for messages.

    my $Text = SalesForce::XS::Native::Describe();
    # 'Perl 5.30.3 (x86_64-linux-thread-multi, threads on; needs build 5.30-x86_64-linux-thread-multi)'

=cut

sub Describe {
    return sprintf 'Perl %vd (%s, threads %s; needs build %s)', $^V, $Config::Config{archname},
        ( $Config::Config{useithreads} ? 'on' : 'off' ), Key();
}

=head2 Directories()

The directories that may hold the native part: the one beside this module's
library directory first, then C<auto/SalesForce/XS> under every C<@INC> entry
(as Perl's own loader searches).

    my @Directories = SalesForce::XS::Native::Directories();

=cut

sub Directories {
    my @Roots;
    my $Module = $INC{'SalesForce/XS/Native.pm'};
    if ($Module) {
        push @Roots, File::Spec->catdir( dirname( dirname( dirname( File::Spec->rel2abs($Module) ) ) ) );
    }
    push @Roots, grep { defined && !ref } @INC;

    my ( %Seen, @Directories );
    for my $Root (@Roots) {
        my $Directory = File::Spec->catdir( $Root, 'auto', 'SalesForce', 'XS' );
        next if $Seen{$Directory}++;
        push @Directories, $Directory if -d $Directory;
    }
    return @Directories;
}

=head2 Builds()

The keys of the glues in a directory, sorted.

    my @Keys = SalesForce::XS::Native::Builds($Directory);

=cut

sub Builds {
    my ($Directory) = @_;

    my $DH;
    opendir $DH, $Directory or return;    ## no critic
    my @Keys = sort grep { !m{\A \.}xms && -f File::Spec->catfile( $Directory, $_, 'XS.so' ) } readdir $DH;
    closedir $DH;
    return @Keys;
}

=head2 Load()

Loads the glue built for this Perl and runs its bootstrap. Dies with one
line when there is none or it does not load.

    SalesForce::XS::Native::Load( 'SalesForce::XS', $SalesForce::XS::VERSION );

=cut

sub Load {
    my ( $Package, $Version ) = @_;

    my $Key         = Key();
    my @Directories = Directories();
    my ($Directory) = grep { -f File::Spec->catfile( $_, $Key, 'XS.so' ) } @Directories;

    if ( !$Directory ) {
        my @Shipped = map { Builds($_) } @Directories;
        my %Seen;
        @Shipped = grep { !$Seen{$_}++ } @Shipped;
        die sprintf(
            "SalesForce::XS: no native part for this Perl: %s. %s. "
                . "Install a package built for this Perl (see README, \"Supported hosts\").\n",
            Describe(),
            @Directories
            ? 'Builds found in ' . join( ', ', @Directories ) . ': ' . ( @Shipped ? join( ', ', @Shipped ) : 'none' )
            : 'No auto/SalesForce/XS directory was found in @INC',
        );
    }

    my $Glue = File::Spec->catfile( $Directory, $Key, 'XS.so' );

    require DynaLoader;
    my $Handle = DynaLoader::dl_load_file( $Glue, 0 );
    if ( !$Handle ) {
        my $Reason = DynaLoader::dl_error() // 'unknown error';
        $Reason =~ s{ \s+ at \s \S+ \s line \s \d+ \.? }{}gxms;
        $Reason =~ s{[\x00-\x1f\x7f\s]+}{ }g;                     # the loader's text may end in a NUL

        $Reason =~ s{[\s.]+\z}{}xms;
        my $Hint = $Reason =~ m{GLIBC_}xms
            ? " This package needs glibc $GlibcBaseline or newer."
            : '';
        die "SalesForce::XS: the native part $Glue does not load in this "
            . Describe()
            . ": $Reason.$Hint Reinstall the package.\n";
    }
    my $Symbol = DynaLoader::dl_find_symbol( $Handle, 'boot_SalesForce__XS' );
    if ( !$Symbol ) {
        die "SalesForce::XS: $Glue is not the SalesForce::XS glue (no boot_SalesForce__XS). Reinstall the package.\n";
    }

    # Registered as Perl's own loader does, so DynaLoader's bookkeeping (and
    # tools that read it) see the object.
    push @DynaLoader::dl_librefs,        $Handle;
    push @DynaLoader::dl_modules,        $Package;
    push @DynaLoader::dl_shared_objects, $Glue;

    my $Bootstrap = DynaLoader::dl_install_xsub( "${Package}::bootstrap", $Symbol, $Glue );
    $Bootstrap->( $Package, $Version );

    return $Glue;
}

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see the
enclosed file COPYING for license information (AGPL). If you did not
receive this file, see L<https://www.gnu.org/licenses/agpl.txt>.

=cut
