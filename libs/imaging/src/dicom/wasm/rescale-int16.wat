;; Integer rescale of 16-bit stored DICOM values into Int16, eight at a time (WebAssembly SIMD):
;;   out = (stored masked to BitsStored) * slope + intercept
;; computed in 32 bits, so nothing wraps before the range check. Built into rescale-int16.wasm.ts by
;; libs/imaging/scripts/build-wasm.ts; the test suite checks that file against this source.
(module
  (memory (export "memory") 1)
  ;; $src, $dst: byte offsets (16-byte aligned) of $n values each; $n a multiple of 8.
  ;; $unsigned: 1 for PixelRepresentation 0. $shift: 16 - BitsStored (0 keeps all 16 bits).
  ;; |slope| <= 32767 and |intercept| <= 65536 keep every product and sum inside i32 (the caller checks).
  ;; Returns 1 when every result fits -32768..32767; 0 when one does not (out then holds saturated values).
  (func (export "rescale")
    (param $src i32) (param $dst i32) (param $n i32) (param $slope i32) (param $intercept i32)
    (param $unsigned i32) (param $shift i32) (result i32)
    (local $at i32) (local $end i32) (local $v v128) (local $lo v128) (local $hi v128)
    (local $s v128) (local $b v128) (local $min v128) (local $max v128)
    (local.set $s (i32x4.splat (local.get $slope)))
    (local.set $b (i32x4.splat (local.get $intercept)))
    (local.set $min (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $max (i32x4.splat (i32.const 0x80000000)))
    (local.set $end (i32.shl (local.get $n) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $v (i16x8.shl (v128.load (i32.add (local.get $src) (local.get $at))) (local.get $shift)))
        (if (local.get $unsigned)
          (then
            (local.set $v (i16x8.shr_u (local.get $v) (local.get $shift)))
            (local.set $lo (i32x4.extend_low_i16x8_u (local.get $v)))
            (local.set $hi (i32x4.extend_high_i16x8_u (local.get $v))))
          (else
            (local.set $v (i16x8.shr_s (local.get $v) (local.get $shift)))
            (local.set $lo (i32x4.extend_low_i16x8_s (local.get $v)))
            (local.set $hi (i32x4.extend_high_i16x8_s (local.get $v)))))
        (local.set $lo (i32x4.add (i32x4.mul (local.get $lo) (local.get $s)) (local.get $b)))
        (local.set $hi (i32x4.add (i32x4.mul (local.get $hi) (local.get $s)) (local.get $b)))
        (local.set $min (i32x4.min_s (local.get $min) (i32x4.min_s (local.get $lo) (local.get $hi))))
        (local.set $max (i32x4.max_s (local.get $max) (i32x4.max_s (local.get $lo) (local.get $hi))))
        (v128.store (i32.add (local.get $dst) (local.get $at)) (i16x8.narrow_i32x4_s (local.get $lo) (local.get $hi)))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $next)))
    ;; Every lane's minimum >= -32768 and maximum <= 32767.
    (v128.any_true
      (v128.or
        (i32x4.lt_s (local.get $min) (i32x4.splat (i32.const -32768)))
        (i32x4.gt_s (local.get $max) (i32x4.splat (i32.const 32767)))))
    (i32.eqz))
)
