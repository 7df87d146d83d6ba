# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (AGPL). If you
# did not receive this file, see https://www.gnu.org/licenses/agpl.txt.
# --

# Loading: the module loads the glue built for this Perl (chosen by its ABI
# key before anything native is loaded), reports its version, and when no glue
# fits or it cannot load, dies with ONE line that says why.

use strict;
use warnings;

use Config;
use File::Basename qw(dirname);
use File::Copy     qw(copy);
use File::Path     qw(make_path);
use File::Spec;
use File::Temp qw(tempdir);
use Test::More;

use_ok('SalesForce::XS');

my $Version = SalesForce::XS::version();
like( $Version, qr/^\d+\.\d+\.\d+/, "version() looks like a version: $Version" );
is( $Version, $SalesForce::XS::VERSION, 'Rust library version matches the module version' );

my $Key = SalesForce::XS::Native::Key();
my ($Glue) = grep {m{/auto/SalesForce/XS/\Q$Key\E/XS\.so\z}} @DynaLoader::dl_shared_objects;
ok( $Glue, "the glue was loaded from auto/SalesForce/XS/$Key/XS.so" ) or diag "@DynaLoader::dl_shared_objects";
my $AutoDir = dirname( dirname($Glue) );
ok( -f "$AutoDir/libsfclient.so", 'the core lies beside the glue directories' );

# The key: what decides binary compatibility, and nothing else.
my %Debian = (
    api_revision    => 5,
    api_version     => 36,
    myarchname      => 'x86_64-linux',
    useithreads     => 'define',
    usemultiplicity => 'define',
    ivsize          => 8,
    ccflags         => '-D_REENTRANT -D_GNU_SOURCE -DDEBIAN -fwrapv',
);
is( SalesForce::XS::Native::Key(%Debian), '5.36-x86_64-linux-thread-multi', 'key: a distribution Perl 5.36' );
is(
    SalesForce::XS::Native::Key( %Debian, api_version => 30 ), '5.30-x86_64-linux-thread-multi',
    'key: the minor version counts, not the patch level'
);
is(
    SalesForce::XS::Native::Key(
        %Debian,
        useithreads     => undef,
        usemultiplicity => undef
    ),
    '5.36-x86_64-linux',
    'key: no threads'
);
is(
    SalesForce::XS::Native::Key( %Debian, useithreads => undef ), '5.36-x86_64-linux-multi',
    'key: multiplicity without threads'
);
is(
    SalesForce::XS::Native::Key(
        %Debian,
        uselongdouble => 'define',
        ccflags       => '-DDEBUGGING -fwrapv'
    ),
    '5.36-x86_64-linux-thread-multi-ld-debug',
    'key: long doubles and DEBUGGING change the layout'
);

# Loads the module in a fresh perl whose @INC holds only $Dir and the core
# directories (PERL5LIB cleared, so blib is not found). Returns (exit, stderr).
sub LoadIn {
    my ($Dir) = @_;

    local $ENV{PERL5LIB};
    delete $ENV{PERL5LIB};
    local $ENV{PERLLIB};
    delete $ENV{PERLLIB};
    my $ErrFile = File::Spec->catfile( $Dir, 'stderr.txt' );
    my $Status  = system(qq{"$^X" -I"$Dir" -e "require SalesForce::XS; print 1" 2>"$ErrFile" >/dev/null});
    open my $Fh, '<', $ErrFile or die "cannot read $ErrFile: $!";
    my $Stderr = do { local $/; <$Fh> };
    close $Fh;
    return ( $Status >> 8, $Stderr );
}

sub Put {
    my ( $From, $To ) = @_;
    make_path( dirname($To) );
    copy( $From, $To ) or die "cannot copy $From to $To: $!";
    return;
}

sub Write {
    my ( $Path, $Content ) = @_;
    make_path( dirname($Path) );
    open my $Out, '>', $Path or die "cannot write $Path: $!";
    print {$Out} $Content;
    close $Out;
    return;
}

my $Perl = quotemeta sprintf 'Perl %vd (%s, threads %s; needs build %s)', $^V, $Config{archname},
    ( $Config{useithreads} ? 'on' : 'off' ), $Key;
my $Foreign = '5.8-x86_64-linux-thread-multi';

my %Cases = (
    'no native part at all' => {
        Files    => {},
        Expected => qr{\ASalesForce::XS: no native part for this Perl: $Perl\. No auto/SalesForce/XS directory},
    },
    'only a build for another Perl' => {
        Files => {
            "auto/SalesForce/XS/$Foreign/XS.so" => "not loaded: it is the wrong build\n",
            'auto/SalesForce/XS/libsfclient.so' => "$AutoDir/libsfclient.so",
        },
        Expected =>
            qr{\ASalesForce::XS: no native part for this Perl: $Perl\. Builds found in \S+/auto/SalesForce/XS: \Q$Foreign\E\. Install a package built for this Perl \(see README, "Supported hosts"\)\.\n},
    },
    'a damaged glue' => {
        Files => {
            "auto/SalesForce/XS/$Key/XS.so"     => "this is not an ELF shared object\n" x 10,
            'auto/SalesForce/XS/libsfclient.so' => "$AutoDir/libsfclient.so",
        },
        Expected =>
            qr{\ASalesForce::XS: the native part \S+/\Q$Key\E/XS\.so does not load in this $Perl: \S+/XS\.so: invalid ELF header\. Reinstall the package\.\n},
    },
    'the glue without its core' => {
        Files    => { "auto/SalesForce/XS/$Key/XS.so" => $Glue },
        Expected =>
            qr{\ASalesForce::XS: the native part \S+/XS\.so does not load in this $Perl: libsfclient\.so: cannot open shared object file: No such file or directory\. Reinstall the package\.\n},
    },
);

for my $Case ( sort keys %Cases ) {
    my $Dir = tempdir( CLEANUP => 1 );
    for my $Module (qw(SalesForce/XS.pm SalesForce/XS/Native.pm)) {
        Put( $INC{$Module}, "$Dir/$Module" );
    }
    my $Files = $Cases{$Case}->{Files};
    for my $File ( sort keys %{$Files} ) {
        if ( $Files->{$File} =~ m{\A /}x && -f $Files->{$File} ) {
            Put( $Files->{$File}, "$Dir/$File" );
        }
        else {
            Write( "$Dir/$File", $Files->{$File} );
        }
    }
    my ( $Exit, $Stderr ) = LoadIn($Dir);
    isnt( $Exit, 0, "$Case: loading fails" );
    like( $Stderr, $Cases{$Case}->{Expected}, "$Case: one line saying what and what to do" )
        or diag $Stderr;

    # Our message is one line; perl itself may add "Compilation failed in
    # require" after it (that is how require reports any die).
    my @Lines = grep { !/^Compilation failed in require/ } split /\n/, $Stderr;
    is( scalar @Lines, 1, "$Case: exactly one line of ours" );
    unlike( $Stderr, qr/\@INC contains/, "$Case: no \@INC dump in the line" );
}

done_testing();
