//! The global allocator of routec's binaries: mimalloc, asked for the alignment it gives every
//! block anyway through its plain entry points.
//!
//! The `mimalloc` crate's allocator passes every request to `mi_malloc_aligned`, whose checks
//! for a requested alignment cost about as much again as the allocation itself: allocating
//! was 7% of a build's instructions at 10k routes (callgrind), over half a million requests
//! for types aligned to 8 bytes or less, and this allocator takes 3% off the whole. Every
//! mimalloc block is aligned to at least a machine word (its size classes are multiples of it
//! and its pages start aligned), so such requests can take `mi_malloc`; larger alignments keep
//! the aligned entry points. The crate's own open change to do the same is
//! purpleprotocol/mimalloc_rust#170; this module goes when it lands.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// The alignment of every block mimalloc hands out.
const WORD: usize = std::mem::size_of::<usize>();

/// mimalloc, taking the plain entry points for word-aligned requests.
pub struct Allocator;

// SAFETY: every method forwards to the mimalloc function of the same contract; the plain
// functions are used only for alignments every mimalloc block has (see the module
// documentation), and `mi_free` frees what either kind returned.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe { allocate(layout, mi::mi_malloc, mi::mi_malloc_aligned) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe { allocate(layout, mi::mi_zalloc, mi::mi_zalloc_aligned) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: see the impl.
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if layout.align() <= WORD {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

/// A block for `layout` from `plain` when every block has its alignment, else from `aligned`.
///
/// # Safety
///
/// `layout` has a non-zero size, and the functions are mimalloc's of one kind.
#[inline]
unsafe fn allocate(
    layout: Layout,
    plain: unsafe extern "C" fn(usize) -> *mut c_void,
    aligned: unsafe extern "C" fn(usize, usize) -> *mut c_void,
) -> *mut u8 {
    // SAFETY: the caller's.
    unsafe {
        if layout.align() <= WORD {
            plain(layout.size()).cast()
        } else {
            aligned(layout.size(), layout.align()).cast()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every size class up to a few pages, each alignment up to 64: the blocks are aligned as
    /// asked, hold what is written, and survive growing.
    #[test]
    fn blocks_are_aligned_as_asked() {
        let allocator = Allocator;
        for align in [1, 2, 4, 8, 16, 32, 64] {
            for size in (1..=4096).step_by(7).chain([8, 16, 24, 48, 65536]) {
                let layout = Layout::from_size_align(size, align).unwrap();
                unsafe {
                    let block = allocator.alloc(layout);
                    assert!(!block.is_null());
                    assert_eq!(block as usize % align, 0, "size {size} align {align}");
                    block.write_bytes(0xa5, size);
                    let grown = allocator.realloc(block, layout, size * 3);
                    assert_eq!(
                        grown as usize % align,
                        0,
                        "grown: size {size} align {align}"
                    );
                    assert_eq!(*grown.add(size - 1), 0xa5);
                    allocator.dealloc(grown, Layout::from_size_align(size * 3, align).unwrap());
                    let zeroed = allocator.alloc_zeroed(layout);
                    assert_eq!(zeroed as usize % align, 0);
                    assert!(
                        std::slice::from_raw_parts(zeroed, size)
                            .iter()
                            .all(|&b| b == 0)
                    );
                    allocator.dealloc(zeroed, layout);
                }
            }
        }
    }
}
